package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint row with the real CRIU: CI provides one that works here ({@code bin/lib/criu-build},
 * in {@code STEWARD_CRIU}); the row says so only after a canary dump and restore, and says why not
 * where none is found.
 */
class CriuProbeTest {
    @TempDir
    Path home;

    @Test
    void aWorkingCriuIsSupportedAfterACanaryAndTheAnswerIsKept() throws Exception {
        assumeTrue(System.getenv("STEWARD_CRIU") != null,
                "no STEWARD_CRIU: .ci/run sets it to what bin/lib/criu-build prints");
        assumeTrue(io.steward.sys.Libc.getuid() == 0, "CRIU dumps and restores as root here");
        Capabilities.Capability row = CriuProbe.probe(home);
        assertEquals(Capabilities.Support.SUPPORTED, row.support(), row.reason());
        assertTrue(row.reason().contains("canary dump and restore worked"), row.reason());
        assertTrue(Files.readString(home.resolve("checkpoint-probe")).contains("SUPPORTED"));
        // Kept: the second answer comes from the file, with no canary (no sleep appears).
        assertEquals(row, CriuProbe.probe(home));
        assertTrue(ProcStat.all().stream().noneMatch(p -> ProcStat.cmdline(p.pid()).equals(java.util.List.of("sleep", "600"))
                && p.ppid() == io.steward.sys.Libc.getpid()), "the canary is gone");
    }

    @Test
    void noCriuIsUnavailableWithTheReason() {
        Capabilities.Capability row = CriuProbe.probe(home, null);
        assertEquals(Capabilities.Support.UNAVAILABLE, row.support());
        assertEquals("checkpoint", row.category());
        assertTrue(row.reason().startsWith("criu not found") || row.reason().startsWith("STEWARD_CRIU names"),
                row.reason());
    }

    @Test
    void aCriuThatCannotDumpIsUnavailableAndNamesTheFailure() throws Exception {
        Path fake = home.resolve("criu");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'Version: 3.17.1'; exit 0; }\n"
                + "echo 'Error (criu/vdso.c:627): vdso: Unexpected rt vDSO area bounds' >&2; exit 1\n");
        fake.toFile().setExecutable(true);
        Capabilities.Capability row = CriuProbe.probe(home, fake);
        assertEquals(Capabilities.Support.UNAVAILABLE, row.support(), row.reason());
        assertTrue(row.reason().startsWith("criu 3.17.1: the canary dump failed: vdso: Unexpected rt vDSO area bounds"),
                row.reason());
        assertTrue(row.reason().contains("need CRIU >= 4.1"), row.reason());
    }

    @Test
    void versionsAndKernelReleasesCompareByMajorAndMinor() {
        assertTrue(CriuProbe.atLeast("6.18.44-fc-v1045", 6, 16));
        assertTrue(!CriuProbe.atLeast("6.12.9", 6, 16));
        assertTrue(!CriuProbe.atLeast("4.1.1", 4, 2));
        assertTrue(CriuProbe.atLeast("4.2.1", 4, 2));
        assertTrue(CriuProbe.atLeast("10.0", 4, 2));
        assertTrue(!CriuProbe.atLeast("of unknown version", 4, 2));
        assertEquals("sockets: Can't get 1:16 opt: Operation not supported"
                + " (kernels since 6.16 need CRIU >= 4.2 for sockets: SO_PASSCRED)",
                CriuProbe.explained("sockets: Can't get 1:16 opt: Operation not supported"));
    }
}
