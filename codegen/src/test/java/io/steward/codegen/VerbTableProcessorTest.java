package io.steward.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** javac runs the processor over small commands; the table it writes must compile and say what the annotations say. */
class VerbTableProcessorTest {
    @TempDir
    Path tmp;

    /** Compiles {@code sources} (name, text) in package demo with the processor; the generated table's text. */
    private String generate(String... sources) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/demo"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path gen = Files.createDirectories(tmp.resolve("gen"));
        java.util.List<String> args = new java.util.ArrayList<>(List.of("-proc:full", "-processor", VerbTableProcessor.class.getName(),
                "-cp", System.getProperty("java.class.path"), "-d", out.toString(), "-s", gen.toString()));
        for (int i = 0; i < sources.length; i += 2) {
            Path f = src.resolve(sources[i] + ".java");
            Files.writeString(f, "package demo;\nimport picocli.CommandLine.*;\nimport java.util.List;\n" + sources[i + 1]);
            args.add(f.toString());
        }
        // the table refers to QuickSpec, which lives next to the commands in the real CLI
        Path spec = src.resolve("QuickSpec.java");
        Files.writeString(spec, "package demo;\nrecord QuickSpec(Param[] options, Param[] positionals) {\n"
                + "enum Kind { FLAG, STRING, INT, LONG, LIST, OTHER }\n"
                + "record Param(String[] names, Kind kind, String defaultValue, boolean optional, int slot) {}\n}\n");
        args.add(spec.toString());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, diagnostics.toString());
        return Files.readString(gen.resolve("demo/VerbTable.java"));
    }

    @Test
    void aPlainCommandGetsItsOptionsDefaultsAndSetters() throws IOException {
        String table = generate("Ls", """
                @Command(name = "ls")
                class Ls implements java.util.concurrent.Callable<Integer> {
                    @Option(names = {"-a", "--all"}) boolean all;
                    @Option(names = "--label", defaultValue = "say \\"hi\\"") String label;
                    @Option(names = "-n") Integer lines;
                    @Option(names = "--grace") java.time.Duration grace;
                    @Parameters(index = "0", arity = "0..1") String ref;
                    @Parameters(index = "1", arity = "0..*") List<String> more;
                    public Integer call() { return 0; }
                }
                """);
        assertTrue(table.contains("if (c == Ls.class) {\n            return \"ls\";"), table);
        assertTrue(table.contains("new QuickSpec.Param(new String[] {\"-a\", \"--all\"}, QuickSpec.Kind.FLAG, null, true, 0)"), table);
        assertTrue(table.contains("QuickSpec.Kind.STRING, \"say \\\"hi\\\"\", true, 1)"), "defaults escaped: " + table);
        assertTrue(table.contains("QuickSpec.Kind.INT, null, true, 2)"), table);
        assertTrue(table.contains("QuickSpec.Kind.OTHER, null, true, 3)"), "a type it cannot convert is OTHER: " + table);
        assertTrue(table.contains("QuickSpec.Kind.STRING, null, true, 4)") && table.contains("QuickSpec.Kind.LIST, null, true, 5)"), table);
        assertTrue(table.contains("case 0 -> x.all = (boolean) value;") && table.contains("case 2 -> x.lines = (Integer) value;"), table);
        assertFalse(table.contains("x.grace"), "no setter for a field the plain parser leaves to picocli: " + table);
        assertTrue(table.contains("x.more.add((String) value);"), table);
    }

    @Test
    void aCommandItCannotBuildOrSetIsNamedButNotPlain() throws IOException {
        String table = generate("Hidden", """
                @Command(name = "hidden")
                class Hidden implements Runnable {
                    @Option(names = "--x") private String x;
                    public void run() {}
                }
                """, "Outer", """
                class Outer {
                    @Command(name = "inner")
                    static class Inner implements Runnable {
                        private Inner() {}
                        public void run() {}
                    }
                }
                """);
        assertTrue(table.contains("return \"hidden\";") && table.contains("if (c == Outer.Inner.class) {\n            return \"inner\";"), table);
        assertFalse(table.contains("new Hidden()") || table.contains("new Outer.Inner()"), "neither is made without picocli: " + table);
    }
}
