package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import io.steward.api.StewardException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The daemon names the fields of a run request ({@code stallAfterMs}) in what it refuses; a person
 * typed flags ({@code --stall-after}). This puts each field named in a refusal back as its flag,
 * through {@link RunOptions}, so {@code run} says what the user wrote.
 */
final class FlagNames {
    private static final Pattern WORD = Pattern.compile("(?<![\\w-])[A-Za-z]+(?![\\w-])");

    private FlagNames() {}

    /**
     * The daemon's refusal of a request with the flags for its fields, its code kept; any other
     * failure (the daemon unreachable, an answer that broke HTTP) as it is.
     */
    static StewardException of(StewardException e) {
        if (e.getClass() != StewardException.class || e.code() != ErrorCode.INVALID_INPUT) {
            return e;
        }
        String said = in(e.getMessage());
        return said.equals(e.getMessage()) ? e : new StewardException(e.code(), said, e);
    }

    /**
     * {@code message} with each field put as its flag (the command's field as {@code CMD}). A field
     * with a name in camel case is one wherever it stands; a plain word ({@code rows}, {@code name})
     * only where a field stands: first and before a colon or slash, or after a slash. So
     * {@code rows/cols apply to pty sessions only} becomes {@code --rows/--cols apply to pty sessions only}.
     */
    static String in(String message) {
        Matcher m = WORD.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String flag = RunOptions.byWire(word).map(FlagNames::flag).orElse(null);
            boolean field = flag != null && (!word.equals(word.toLowerCase(java.util.Locale.ROOT))
                    || m.start() == 0 && m.end() < message.length() && ":/".indexOf(message.charAt(m.end())) >= 0
                    || m.start() > 0 && message.charAt(m.start() - 1) == '/');
            m.appendReplacement(out, Matcher.quoteReplacement(field ? flag : word));
        }
        return m.appendTail(out).toString();
    }

    private static String flag(RunOption<?> o) {
        return o.flag() != null ? o.flag() : o.label();
    }
}
