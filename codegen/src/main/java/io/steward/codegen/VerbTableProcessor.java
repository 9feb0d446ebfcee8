package io.steward.codegen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * Writes {@code VerbTable}, next to the CLI's commands, from their picocli annotations: each
 * command's name, and for each command whose options are plain fields, the options (names, kind,
 * default) with a constructor and a setter that need no reflection.
 *
 * <p>Why at build time: at run time, reading an annotation makes the JDK generate a proxy class
 * for its type, and the three picocli annotations cost about 35 ms of a 110 ms {@code steward ls}
 * (bench/RESULTS.md, cli-latency). The annotations stay the one definition of every option; the
 * table cannot drift from them because javac writes it on every build.
 */
@SupportedAnnotationTypes("picocli.CommandLine.Command")
public final class VerbTableProcessor extends AbstractProcessor {
    static final String OPTION = "picocli.CommandLine.Option";
    static final String PARAMETERS = "picocli.CommandLine.Parameters";
    static final String NO_DEFAULT = "__no_default_value__";

    private boolean written;

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (written || annotations.isEmpty()) {
            return false;
        }
        List<Verb> verbs = new ArrayList<>();
        PackageElement pkg = null;
        for (TypeElement annotation : annotations) {
            for (Element e : round.getElementsAnnotatedWith(annotation)) {
                if (!(e instanceof TypeElement type)) {
                    continue; // a @Command method is a verb of its class, parsed by picocli
                }
                PackageElement p = processingEnv.getElementUtils().getPackageOf(type);
                if (pkg != null && !pkg.equals(p)) {
                    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR,
                            "every @Command class must be in " + pkg.getQualifiedName() + " to be in one verb table", type);
                    return false;
                }
                pkg = p;
                verbs.add(verb(type, p));
            }
        }
        if (pkg == null) {
            return false;
        }
        verbs.sort(Comparator.comparing(Verb::javaName));
        String source = new VerbTableSource(pkg.getQualifiedName().toString(), verbs).text();
        try (Writer w = processingEnv.getFiler().createSourceFile(pkg.getQualifiedName() + ".VerbTable").openWriter()) {
            w.write(source);
        } catch (IOException ex) {
            processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write VerbTable: " + ex.getMessage());
        }
        written = true;
        return false; // picocli's annotations are not ours to claim
    }

    /** What the table says of one command class. */
    private Verb verb(TypeElement type, PackageElement pkg) {
        String javaName = type.getQualifiedName().toString().substring(pkg.getQualifiedName().length() + 1);
        String name = stringValue(annotation(type, "picocli.CommandLine.Command"), "name", "<main class>");
        List<Param> options = new ArrayList<>();
        List<Param> positionals = new ArrayList<>();
        String notQuick = notConstructible(type);
        for (TypeElement c = type; c != null; c = superclass(c)) {
            for (Element member : c.getEnclosedElements()) {
                AnnotationMirror option = annotation(member, OPTION);
                AnnotationMirror parameters = annotation(member, PARAMETERS);
                if (option == null && parameters == null) {
                    continue;
                }
                if (!(member instanceof VariableElement field)) {
                    notQuick = "an option on a method";
                    continue;
                }
                if (field.getModifiers().contains(Modifier.PRIVATE) || field.getModifiers().contains(Modifier.FINAL)) {
                    notQuick = "field " + field.getSimpleName() + " is private or final";
                }
                Param.Kind kind = Param.Kind.of(field.asType().toString());
                if (option != null) {
                    options.add(new Param(stringValues(option, "names"), "", field.getSimpleName().toString(), kind,
                            stringValue(option, "defaultValue", NO_DEFAULT), true));
                } else {
                    String arity = stringValue(parameters, "arity", "");
                    String defaultValue = stringValue(parameters, "defaultValue", NO_DEFAULT);
                    positionals.add(new Param(List.of(), stringValue(parameters, "index", ""), field.getSimpleName().toString(),
                            kind, defaultValue, arity.startsWith("0") || !defaultValue.equals(NO_DEFAULT)));
                }
            }
        }
        positionals.sort(Comparator.comparing(Param::index));
        return new Verb(javaName, name, options, positionals, notQuick);
    }

    /** Why {@code new T()} cannot be written in T's package; null when it can. */
    private static String notConstructible(TypeElement type) {
        for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
            if (t.getModifiers().contains(Modifier.PRIVATE) || t.getModifiers().contains(Modifier.ABSTRACT)
                    || t.getNestingKind() == NestingKind.MEMBER && !t.getModifiers().contains(Modifier.STATIC)
                    || t.getKind() != ElementKind.CLASS) {
                return "the class cannot be made from its package";
            }
        }
        for (ExecutableElement ctor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
            if (ctor.getParameters().isEmpty() && !ctor.getModifiers().contains(Modifier.PRIVATE)) {
                return null;
            }
        }
        return "no constructor without parameters visible to its package";
    }

    private static TypeElement superclass(TypeElement c) {
        if (c.getSuperclass().getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement s = (TypeElement) ((DeclaredType) c.getSuperclass()).asElement();
        return s.getQualifiedName().contentEquals("java.lang.Object") ? null : s;
    }

    private static AnnotationMirror annotation(Element e, String type) {
        for (AnnotationMirror m : e.getAnnotationMirrors()) {
            if (((TypeElement) m.getAnnotationType().asElement()).getQualifiedName().contentEquals(type)) {
                return m;
            }
        }
        return null;
    }

    private static AnnotationValue value(AnnotationMirror m, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : m.getElementValues().entrySet()) {
            if (e.getKey().getSimpleName().contentEquals(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String stringValue(AnnotationMirror m, String name, String absent) {
        AnnotationValue v = m == null ? null : value(m, name);
        return v == null ? absent : (String) v.getValue();
    }

    private static List<String> stringValues(AnnotationMirror m, String name) {
        AnnotationValue v = value(m, name);
        if (v == null) {
            return List.of();
        }
        if (v.getValue() instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                out.add((String) ((AnnotationValue) o).getValue());
            }
            return out;
        }
        return List.of((String) v.getValue());
    }
}
