package io.steward.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The RunRequest schema of docs/openapi.yaml, made from {@link RunOptions}. The checked-in file
 * must hold exactly this ({@link RunOptionsDocsTest}); after changing the table, write it again
 * from the repository's root with
 * {@code java -cp api/target/classes:api/target/test-classes io.steward.api.RunRequestSchema docs/openapi.yaml}.
 */
final class RunRequestSchema {
    static final String START = "    RunRequest:\n";
    static final String END = "    ApplyRequest:\n";

    private RunRequestSchema() {}

    /** The schema's lines, from its name to the next schema's. */
    static String yaml() {
        StringBuilder b = new StringBuilder(START);
        b.append("      # made from io.steward.api.RunOptions by RunRequestSchema (api tests): change the table, not this\n");
        b.append("      type: object\n");
        b.append("      required: [").append(String.join(", ", RunOptions.REQUIRED.stream().map(RunOption::wire).toList()))
                .append("]\n");
        b.append("      additionalProperties: false\n");
        b.append("      properties:\n");
        for (RunOption<?> o : RunOptions.ALL) {
            b.append("        ").append(o.wire()).append(": {").append(o.type().schema());
            if (o.defaultValue() != null) {
                b.append(", default: ").append(defaultJson(o));
            }
            b.append(", description: ").append(Json.write(o.doc()));
            if (o.flag() != null) {
                b.append(", x-cli-flag: ").append(Json.write(o.flag()));
            }
            b.append(", x-apps-file-key: ").append(Json.write(o.key())).append("}\n");
        }
        return b.toString();
    }

    private static <T> String defaultJson(RunOption<T> o) {
        return Json.write(o.type().write(o.defaultValue()));
    }

    /** The schema as it stands in {@code openapi}, or null when its bounds are missing. */
    static String current(String openapi) {
        int start = openapi.indexOf(START);
        int end = openapi.indexOf(END, start + 1);
        return start < 0 || end < 0 ? null : openapi.substring(start, end);
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/openapi.yaml");
        String text = Files.readString(file);
        String now = current(text);
        if (now == null) {
            throw new IllegalStateException(file + " has no RunRequest schema followed by ApplyRequest");
        }
        Files.writeString(file, text.replace(now, yaml()));
    }
}
