package io.steward.cli;

import java.util.Collection;
import picocli.CommandLine;

/**
 * A verb that is not one: said in one line with the nearest verb there is, as git does
 * ({@code unknown command 'lgs'; did you mean 'logs'?}), exit 2.
 */
final class UnknownCommand extends CommandLine.ParameterException {
    private UnknownCommand(CommandLine parent, String message) {
        super(parent, message);
    }

    /**
     * A usage error, typed as what a verb may throw: a verb's own code then names no picocli
     * exception type, so loading it from the AOT cache (every verb is, for the plain verbs' table)
     * checks no constraint that would open picocli's jar on a short command.
     */
    static RuntimeException usage(CommandLine command, String message) {
        return new CommandLine.ParameterException(command, message);
    }

    /** As {@link #of}, typed as a verb throws it. */
    static RuntimeException unknown(CommandLine parent, String typed) {
        return of(parent, typed);
    }

    /** {@code typed} is not a verb of {@code parent} (the root, or a verb with verbs of its own). */
    static UnknownCommand of(CommandLine parent, String typed) {
        String path = parent.getParent() == null ? "" : PicocliLine.verbPath(parent) + " ";
        String nearest = nearest(typed, parent.getSubcommands().keySet());
        return new UnknownCommand(parent, "unknown command '" + path + typed + "'; "
                + (nearest != null ? "did you mean '" + path + nearest + "'?" : "see '" + ("steward help " + path).strip() + "'"));
    }

    /**
     * The name closest to {@code typed}: fewest edits (a swap of neighbours is one), then most
     * letters in common, then the first listed; a name {@code typed} begins counts too. Null when
     * none is close: one edit for a word of up to three letters, two for a longer one.
     */
    static String nearest(String typed, Collection<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int bestCommon = -1;
        int allowed = typed.length() <= 3 ? 1 : 2;
        for (String name : names) {
            int d = name.startsWith(typed) && typed.length() >= 2 ? 1 : distance(typed, name);
            int common = commonSubsequence(typed, name);
            if (d <= allowed && (d < bestDistance || d == bestDistance && common > bestCommon)) {
                best = name;
                bestDistance = d;
                bestCommon = common;
            }
        }
        return best;
    }

    /** Edits from a to b: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static int commonSubsequence(String a, String b) {
        int[][] l = new int[a.length() + 1][b.length() + 1];
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                l[i][j] = a.charAt(i - 1) == b.charAt(j - 1) ? l[i - 1][j - 1] + 1 : Math.max(l[i - 1][j], l[i][j - 1]);
            }
        }
        return l[a.length()][b.length()];
    }
}
