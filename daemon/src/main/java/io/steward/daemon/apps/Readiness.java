package io.steward.daemon.apps;

import io.steward.api.Durations;
import io.steward.daemon.session.Session;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * When an app counts as ready for the apps that come {@code after} it: once it said {@code READY=1}
 * (a session with notify), else once its ready port accepts a TCP connection on 127.0.0.1, else
 * once it runs. Apply and resurrect wait the same way, for at most the dependency's ready timeout.
 */
final class Readiness {
    private static final long POLL_MS = 50;

    private Readiness() {}

    /**
     * Waits until session {@code s} is ready, at most {@code timeout}.
     *
     * @param readyPort its ready port, 0 for none
     * @return null once it is ready; otherwise why not, to follow its name
     *     ({@code did not say READY=1 within 1m})
     */
    static String await(Session s, int readyPort, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (s.request().notifySocket()) {
                if (!s.vitals().isReady() && !s.vitals().readiness().get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    return "ended before it said READY=1";
                }
            } else if (readyPort != 0) {
                while (!accepts(readyPort)) {
                    if (!s.live()) {
                        return "ended before port " + readyPort + " accepted a connection";
                    }
                    if (System.nanoTime() > deadline) {
                        return "did not accept a connection on port " + readyPort + " within " + Durations.format(timeout);
                    }
                    Thread.sleep(POLL_MS);
                }
            } else if (!s.live()) {
                return "is not running";
            }
            return null;
        } catch (TimeoutException e) {
            return "did not say READY=1 within " + Durations.format(timeout);
        } catch (ExecutionException e) {
            return "failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was not awaited (interrupted)";
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
