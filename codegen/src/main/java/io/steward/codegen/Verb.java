package io.steward.codegen;

import java.util.List;

/**
 * One command class as the verb table records it.
 *
 * @param javaName its name within the package ({@code ControlCommands.Send})
 * @param name its {@code @Command} name
 * @param notQuick why it cannot be parsed without picocli; null when it can
 */
record Verb(String javaName, String name, List<Param> options, List<Param> positionals, String notQuick) {}
