package io.steward.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void launches() {
        Browsers.requireChromium();
        try (Playwright pw = Playwright.create(); Browser b = Browsers.launch(pw)) {
            Page p = b.newPage();
            p.setContent("<p id=x>hi</p>");
            assertEquals("hi", p.textContent("#x"));
        }
    }
}
