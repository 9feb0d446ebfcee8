package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code steward top}'s screens as text, its keys, and its log pane's lines. */
class TopViewTest {
    @Test
    void theScreenFillsTheTerminalExactlyAndKeepsTheSelectionInSight() {
        TopModel m = new TopModel();
        m.sortBy(TopSort.NAME);
        java.util.List<io.steward.api.SessionInfo> many = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(TopModelTest.session("id" + i, String.format("s%02d", i), i + 1, 0, 0, 0, 0, true));
        }
        m.update(many);
        m.move(25);
        List<String> screen = TopView.table("header", m, "status", 40, 12);
        assertEquals(12, screen.size());
        assertTrue(screen.stream().allMatch(l -> l.replace(TopView.REVERSE, "").replace(TopView.RESET, "").length() <= 40), screen::toString);
        assertTrue(screen.get(2).startsWith("ID"), screen.get(2));
        String selected = screen.stream().filter(l -> l.startsWith(TopView.REVERSE)).findFirst().orElseThrow();
        assertTrue(selected.contains("s25"), selected);
        assertTrue(screen.getLast().contains("status"));
        assertEquals(0, TopView.firstShown(3, 8));
        assertEquals(18, TopView.firstShown(25, 8));
    }

    @Test
    void controlCharactersNeverReachTheScreen() {
        assertEquals("a b", TopView.fit("a\tb", 10));
        assertEquals("abc", TopView.fit("abcdef", 3));
    }

    @Test
    void arrowsPagesAndEscapeAreKeys() {
        byte[] typed = "j\033[A\033OB\033[5~\033[6~\033q".getBytes(StandardCharsets.US_ASCII);
        List<TopKeys.Key> keys = TopKeys.decode(typed, typed.length);
        assertEquals(List.of(TopKeys.Key.of('j'), TopKeys.Key.of(TopKeys.Named.UP), TopKeys.Key.of(TopKeys.Named.DOWN),
                TopKeys.Key.of(TopKeys.Named.PAGE_UP), TopKeys.Key.of(TopKeys.Named.PAGE_DOWN),
                TopKeys.Key.of(TopKeys.Named.ESCAPE), TopKeys.Key.of('q')), keys);
        byte[] unknown = "\033[15~x".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of(TopKeys.Key.of('x')), TopKeys.decode(unknown, unknown.length), "F5 means nothing here");
    }

    @Test
    void logLinesLoseEscapesAndShowARewrittenLineAsItEnded() {
        assertEquals(List.of("red", "100%", "last"), TopLogs.lines("\033[31mred\033[0m\n 10%\r 50%\r100%\r\nlast\n", false));
        assertEquals(List.of("whole"), TopLogs.lines("cut line\nwhole\n", true), "a read from the middle drops its first, partial line");
        assertEquals(List.of("no newline"), TopLogs.lines("no newline", false));
    }
}
