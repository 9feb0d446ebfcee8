package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The documents that describe the run options say what the table says. */
class RunOptionsDocsTest {
    /** The repository's root: tests run in the module's directory. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    @Test
    void openapiRunRequestIsTheTable() throws IOException {
        String current = RunRequestSchema.current(read("docs/openapi.yaml"));
        assertNotNull(current, "docs/openapi.yaml has a RunRequest schema followed by ApplyRequest");
        assertEquals(RunRequestSchema.yaml(), current, "docs/openapi.yaml's RunRequest differs from RunOptions; write it"
                + " again: java -cp api/target/classes:api/target/test-classes io.steward.api.RunRequestSchema docs/openapi.yaml");
    }

    @Test
    void apiMdListsEveryFieldOfTheRunRequest() throws IOException {
        String api = read("docs/API.md");
        int start = api.indexOf("| field | default | meaning |", api.indexOf("### Start: `POST /v1/sessions`"));
        String table = api.substring(start, api.indexOf("\n\n", start));
        Set<String> fields = new TreeSet<>();
        for (String row : table.lines().skip(2).toList()) {
            Matcher m = Pattern.compile("`([A-Za-z]+)`").matcher(row.substring(0, row.indexOf('|', 1)));
            while (m.find()) {
                fields.add(m.group(1));
            }
        }
        assertEquals(wires(), fields, "the field table of POST /v1/sessions in docs/API.md");
    }

    @Test
    void readmeListsEveryFlagAndKey() throws IOException {
        String readme = read("README.md");
        String usage = readme.lines().filter(l -> l.startsWith("| `run ")).findFirst().orElseThrow();
        String keys = readme.substring(readme.indexOf("- Keys: "), readme.indexOf("\n- ", readme.indexOf("- Keys: ") + 1));
        for (RunOption<?> o : RunOptions.ALL) {
            assertTrue(o.flag() == null || Pattern.compile(Pattern.quote(o.flag()) + "[ \\]]").matcher(usage).find(),
                    o.flag() + " in README's run usage");
            assertTrue(keys.contains("`" + o.key() + "`"), o.key() + " in README's apps-file keys");
        }
    }

    private static Set<String> wires() {
        return RunOptions.ALL.stream().map(RunOption::wire).collect(Collectors.toCollection(TreeSet::new));
    }
}
