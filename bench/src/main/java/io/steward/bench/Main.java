package io.steward.bench;

/**
 * Entry point of the benchmark drivers that bench/run starts, one JVM per subject. Every driver
 * prints lines of the form {@code <subject> <value> <unit>}.
 */
public final class Main {
    private static final String USAGE = """
            usage: Main spawn-steward WARMUP COUNT
                   Main spawn-processbuilder WARMUP COUNT
                   Main throughput BYTES WARMUP_BYTES WARMUP_RUNS RUNS
                   Main attach-throughput BYTES WARMUP_BYTES WARMUP_RUNS RUNS
                   Main idle-sessions DAEMON_PID WARMUP COUNT IDLE_SECONDS CLK_TCK
                   Main stop-latency WARMUP COUNT
                   Main upgrade SESSIONS MIB ROUNDS WRITER_UPGRADES
                   Main ui-table LINK SESSIONS ROUNDS
                   Main ui-echo LINK SESSION WARMUP COUNT
            The daemon subjects talk to the daemon of STEWARD_HOME, which bench/run starts; LINK is the
            page's address with its token, as `steward ui` prints it.""";

    private Main() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "";
        switch (which) {
            case "spawn-steward" -> SpawnBench.steward(arg(args, 1), arg(args, 2));
            case "spawn-processbuilder" -> SpawnBench.processBuilder(arg(args, 1), arg(args, 2));
            case "throughput" ->
                    ThroughputBench.run(arg(args, 1), arg(args, 2), (int) arg(args, 3), (int) arg(args, 4));
            case "attach-throughput" ->
                    AttachBench.run(arg(args, 1), arg(args, 2), (int) arg(args, 3), (int) arg(args, 4));
            case "idle-sessions" ->
                    IdleBench.run(arg(args, 1), (int) arg(args, 2), (int) arg(args, 3), (int) arg(args, 4),
                            arg(args, 5));
            case "stop-latency" -> StopBench.run((int) arg(args, 1), (int) arg(args, 2));
            case "upgrade" -> UpgradeBench.run((int) arg(args, 1), (int) arg(args, 2), (int) arg(args, 3),
                    (int) arg(args, 4));
            case "ui-table" -> UiBench.run(text(args, 1), (int) arg(args, 2), (int) arg(args, 3));
            case "ui-echo" -> UiEchoBench.run(text(args, 1), text(args, 2), (int) arg(args, 3), (int) arg(args, 4));
            default -> {
                System.err.println(USAGE);
                System.exit(2);
            }
        }
    }

    private static String text(String[] args, int i) {
        if (args.length <= i) {
            System.err.println(USAGE);
            System.exit(2);
        }
        return args[i];
    }

    private static long arg(String[] args, int i) {
        if (args.length <= i) {
            System.err.println(USAGE);
            System.exit(2);
        }
        return Long.parseLong(args[i]);
    }
}
