package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.util.TreeSet;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A request's query parameters, checked against those its {@link Route} takes before anything
 * happens: an unknown parameter, one given twice, a malformed query string, or a value of the
 * wrong form is {@code invalid-input} naming it, never silently a default (`?all=yes` is not
 * {@code false}, `?al=true` not nothing).
 */
final class Query {
    private final Fields fields;

    private Query(Fields fields) {
        this.fields = fields;
    }

    static Query of(Request request, Route route) {
        Fields fields = Http.query(request);
        for (Fields.Field f : fields) {
            if (!route.query.contains(f.getName())) {
                throw invalid("unknown query parameter '" + f.getName() + "'; " + (route.query.isEmpty()
                        ? "this endpoint takes none" : "it takes " + String.join(", ", new TreeSet<>(route.query))));
            }
            if (f.getValues().size() > 1) {
                throw invalid(f.getName() + ": given more than once");
            }
        }
        return new Query(fields);
    }

    String string(String name) {
        return fields.getValue(name);
    }

    /** {@code true} or {@code false}; false when absent. */
    boolean bool(String name) {
        String v = fields.getValue(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true")) {
            return true;
        }
        throw invalid(name + ": true or false is required, not '" + v + "'");
    }

    /** An integer of 0 or more, or {@code dflt} when absent. */
    long nonNegative(String name, long dflt) {
        return nonNegative(name, fields.getValue(name), dflt);
    }

    /** {@code value} (of a parameter or header called {@code name}) as an integer of 0 or more, or {@code dflt} when null. */
    static long nonNegative(String name, String value, long dflt) {
        if (value == null) {
            return dflt;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw invalid(name + ": an integer of 0 or more is required, not '" + value + "'");
    }

    private static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
