package io.steward.api;

/** {@code true} or {@code false}. */
public record BoolType() implements OptionType<Boolean> {
    @Override
    public Boolean read(String field, Object json) {
        if (!(json instanceof Boolean b)) {
            throw Refusals.invalid(field + ": true or false is required");
        }
        return b;
    }

    @Override
    public Object write(Boolean value) {
        return value;
    }

    @Override
    public Boolean parse(String name, String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw Refusals.invalid(name + ": true or false is required, not " + Refusals.quoted(text));
        };
    }

    @Override
    public String format(Boolean value) {
        return value.toString();
    }

    @Override
    public String schema() {
        return "type: boolean";
    }
}
