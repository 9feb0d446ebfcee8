package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.steward.api.HealthInfo;
import io.steward.api.UiInfo;
import io.steward.client.StewardClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A dashboard left open carries on across an upgrade in place: the same address, the same token. */
class UiUpgradeTest {
    @Test
    void theDashboardListensAgainWithItsTokenAfterAnUpgrade() throws Exception {
        try (ExternalDaemon d = ExternalDaemon.start()) {
            StewardClient c = d.client;
            UiInfo ui = c.daemon().ui();
            URI link = URI.create(ui.link());
            int port = link.getPort();
            String cookie = "Cookie: steward_token=" + link.getQuery().substring("token=".length());
            assertEquals(200, RawHttp.get(port, "/v1/health", cookie).status());

            HealthInfo after = c.daemon().awaitUpgraded(c.daemon().upgrade(List.of()), Duration.ofSeconds(60));
            assertEquals(1, after.upgrades());
            assertEquals(ui.url(), after.ui(), "served again, where it was");
            assertEquals(200, RawHttp.get(port, "/v1/health", cookie).status(), "the page's cookie still opens it");
            assertEquals(ui.link(), c.daemon().ui().link());
        }
    }
}
