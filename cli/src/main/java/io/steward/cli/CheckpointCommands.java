package io.steward.cli;

import io.steward.api.CheckpointInfo;
import io.steward.api.CheckpointList;
import io.steward.api.GcResult;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.client.Checkpoints;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A live session's tree dumped into the checkpoint store, restored from it, and the store kept. */
final class CheckpointCommands {
    /** How many hex digits of a digest a table shows: a prefix restore and rm take, as git's short ids. */
    static final int SHORT_DIGEST = 12;

    private CheckpointCommands() {}

    @Command(name = "checkpoint", subcommands = CheckpointCommands.Rm.class,
            description = "Checkpoint a running session's process tree with CRIU into the store (the tree then ends"
                    + " unless --leave-running); prints the checkpoint's digest. 'checkpoint rm' removes checkpoints.")
    static final class Checkpoint implements Callable<Integer> {
        // A list, not one value, so that `checkpoint rn x` is told it is no verb rather than that x is one too many.
        @Parameters(paramLabel = "SESSION", arity = "0..*", hideParamSyntax = true,
                description = "Id, unique id prefix (6+ characters) or name.")
        List<String> refs = new ArrayList<>();

        @Option(names = "--leave-running", description = "Keep the tree running after the dump.")
        boolean leaveRunning;

        @Option(names = "--name", paramLabel = "TAG", description = "A tag to restore it by, instead of its digest.")
        String tag;

        @Option(names = "--record-unsupported",
                description = "Where CRIU cannot run (exit 5), also store a record of why, named in the error.")
        boolean recordUnsupported;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (refs.size() != 1) {
                throw refs.isEmpty() ? UnknownCommand.usage(spec.commandLine(), "Missing required parameter: 'SESSION'")
                        : UnknownCommand.unknown(spec.commandLine(), refs.getFirst());
            }
            CheckpointInfo c = Clients.existing().checkpoints().create(refs.getFirst(), leaveRunning, tag, recordUnsupported);
            if (json) {
                Printer.json(c.toJson());
                return 0;
            }
            System.out.println(c.digest());
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove checkpoints from the store's index; 'steward gc' then frees their blobs.")
    static final class Rm implements Callable<Integer> {
        @Parameters(paramLabel = "REF", arity = "1..*",
                description = "A digest (sha256:…), a digest prefix of 7+ hex digits, or a tag.")
        List<String> refs = new ArrayList<>();

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            Checkpoints checkpoints = Clients.existing().checkpoints();
            List<CheckpointInfo> removed = new ArrayList<>();
            for (String ref : refs) {
                CheckpointInfo c = checkpoints.remove(ref);
                removed.add(c);
                if (!json) {
                    System.out.println("removed " + label(c) + ", " + SessionView.bytes(c.uniqueBytes()) + " of its own");
                }
            }
            if (json) {
                Printer.json(Json.object("removed", removed.stream().map(CheckpointInfo::toJson).toList()));
            } else {
                System.out.println("its blobs stay on disk until 'steward gc' frees them");
            }
            return 0;
        }
    }

    @Command(name = "checkpoints", description = "List the checkpoints in the store, newest first, and what the store takes on disk.")
    static final class ListCheckpoints implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            CheckpointList list = Clients.existing().checkpoints().list();
            if (json) {
                Printer.json(list.toJson());
                return 0;
            }
            System.out.print(table(list));
            return 0;
        }
    }

    @Command(name = "restore", description = "Start a new session from a checkpoint; prints its id, as run does.")
    static final class Restore implements Callable<Integer> {
        @Parameters(paramLabel = "REF", description = "A digest (sha256:…), a digest prefix of 7+ hex digits, or a tag.")
        String ref;

        @Option(names = "--name", paramLabel = "N", description = "The new session's name (else the name it had when checkpointed).")
        String name;

        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            SessionInfo s = Clients.existing().checkpoints().restore(ref, name);
            if (json) {
                Printer.json(s.toJson());
            } else {
                System.out.println(s.id());
            }
            return 0;
        }
    }

    @Command(name = "gc", description = "Free the blobs of the checkpoint store that no checkpoint refers to any more.")
    static final class Gc implements Callable<Integer> {
        @Option(names = "--json", description = "One JSON document.")
        boolean json;

        @Override
        public Integer call() {
            GcResult r = Clients.existing().checkpoints().gc();
            Printer.either(json, r.toJson(), "removed " + Printer.count(r.blobsRemoved(), "blob") + ", freed "
                    + SessionView.bytes(r.bytesFreed()) + "; the store holds " + SessionView.bytes(r.storeBytes()));
            return 0;
        }
    }

    /** The checkpoints, then a line with what the whole store takes on disk. */
    static String table(CheckpointList list) {
        Table t = new Table("TAG", "DIGEST", "SESSION", "KIND", "STORED", "UNIQUE", "CREATED");
        for (CheckpointInfo c : list.checkpoints()) {
            t.row(new String[] {SessionView.text(c.tag()), shortDigest(c.digest()), session(c), c.kind(),
                SessionView.bytes(c.storedBytes()), SessionView.bytes(c.uniqueBytes()),
                created(c.created())},
                    new String[] {null, Table.DIM, null, kindColour(c.kind()), null, null, null});
        }
        return t.render(Table.colourWanted()) + "store: " + SessionView.bytes(list.storeBytes()) + " on disk in "
                + Printer.count(list.blobs(), "blob") + "\n";
    }

    /**
     * {@code 2026-12-03 07:15:19} in local time, by hand: a DateTimeFormatter loads the locale's
     * data, most of the time a short {@code steward checkpoints} took over {@code steward ls}.
     */
    static String created(Instant at) {
        if (at == null) {
            return "-";
        }
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneId.systemDefault());
        return t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth()) + " " + two(t.getHour()) + ":"
                + two(t.getMinute()) + ":" + two(t.getSecond());
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** {@code unsupported} (a record of why CRIU could not run) in yellow, {@code corrupt} in red. */
    private static String kindColour(String kind) {
        return switch (kind) {
            case "criu" -> null;
            case "unsupported" -> Table.YELLOW;
            default -> Table.RED;
        };
    }

    /** The first {@link #SHORT_DIGEST} hex digits of {@code sha256:<hex>}. */
    static String shortDigest(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return hex.substring(0, Math.min(SHORT_DIGEST, hex.length()));
    }

    /** The session it was taken of: its name, else its short id. */
    private static String session(CheckpointInfo c) {
        if (c.name() != null) {
            return c.name();
        }
        return c.session() == null ? "-" : c.session().substring(0, Math.min(SessionView.SHORT_ID, c.session().length()));
    }

    /** {@code before (sha256:0123456789ab)}, or the short digest alone for a checkpoint without a tag. */
    private static String label(CheckpointInfo c) {
        String digest = "sha256:" + shortDigest(c.digest());
        return c.tag() != null ? c.tag() + " (" + digest + ")" : digest;
    }
}
