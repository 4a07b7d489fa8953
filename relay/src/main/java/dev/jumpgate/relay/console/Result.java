package dev.jumpgate.relay.console;

/** What a console command printed and how it ended. */
public record Result(int exit, String out, String err) {

    static Result ok(String out) {
        return new Result(0, out, "");
    }

    static Result error(String err) {
        return new Result(1, "", err.endsWith("\n") ? err : err + "\n");
    }

    static Result usage(String err) {
        return new Result(2, "", err.endsWith("\n") ? err : err + "\n");
    }
}
