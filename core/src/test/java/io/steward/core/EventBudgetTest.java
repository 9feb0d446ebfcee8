package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bucket on a clock the test moves: no waiting. */
class EventBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesThenTheRestIsCountedAsSuppressed() {
        EventBudget budget = new EventBudget(200, 400);
        long t = System.nanoTime();
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (budget.allow(t)) {
                allowed++;
            }
        }
        assertEquals(400, allowed);
        assertEquals(600, budget.suppressed());
        assertEquals(0, budget.suppressed(), "reading the count resets it");
    }

    @Test
    void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
        EventBudget budget = new EventBudget(200, 400);
        long t = System.nanoTime();
        while (budget.allow(t)) {
            // empty the bucket
        }
        budget.suppressed();
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            if (budget.allow(t + SECOND / 2)) {
                allowed++;
            }
        }
        assertEquals(100, allowed, "half a second at 200/s is 100 events");
        assertFalse(budget.allow(t + SECOND / 2));
        assertEquals(1, budget.suppressed());
        int afterAnHour = 0;
        while (budget.allow(t + 3600 * SECOND)) {
            afterAnHour++;
        }
        assertEquals(400, afterAnHour, "an idle hour refills to the burst, no more");
    }

    @Test
    void aClockThatSeemsToGoBackDoesNotMintTokens() {
        EventBudget budget = new EventBudget(1, 1);
        long t = System.nanoTime();
        assertTrue(budget.allow(t));
        assertFalse(budget.allow(t - SECOND));
        assertFalse(budget.allow(t));
        assertEquals(2, budget.suppressed());
    }

    @Test
    void nonsenseRatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new EventBudget(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new EventBudget(10, 0));
        assertThrows(IllegalArgumentException.class, () -> new EventBudget(Double.NaN, 10));
    }
}
