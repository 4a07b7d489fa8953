package dev.jumpgate.cli;

import dev.jumpgate.client.ClientConfig;
import dev.jumpgate.client.RelayClient;
import dev.jumpgate.protocol.Ago;
import dev.jumpgate.protocol.StreamRequest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the devices you may reach.")
final class LsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "One JSON array, for scripts.")
    boolean json;

    record Row(String name, boolean online, Instant lastSeen) {}

    @Override
    public Integer call() {
        return ClientErrors.run(() -> {
            String body;
            try (RelayClient relay = RelayClient.connect(ClientConfig.load())) {
                body = relay.get(StreamRequest.DEVICES_PATH);
            }
            List<Row> rows = body.lines()
                    .map(l -> l.split("\t"))
                    .filter(f -> f.length == 3)
                    .map(f -> new Row(
                            f[0],
                            f[1].equals("online"),
                            f[2].equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(f[2]))))
                    .toList();
            System.out.print(json ? json(rows) : table(rows));
            return 0;
        });
    }

    static String table(List<Row> rows) {
        if (rows.isEmpty()) {
            return "no devices; ask an admin of the relay for a grant\n";
        }
        int w = Math.max(6, rows.stream().mapToInt(r -> r.name().length()).max().orElse(6));
        String fmt = "%-" + w + "s  %-7s  %s%n";
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, fmt, "DEVICE", "STATUS", "LAST SEEN"));
        Instant now = Instant.now();
        rows.forEach(r -> s.append(String.format(
                Locale.ROOT,
                fmt,
                r.name(),
                r.online() ? "online" : "offline",
                r.online() ? "now" : Ago.since(r.lastSeen(), now))));
        return s.toString();
    }

    /** Device names are DNS labels, so nothing in them needs escaping. */
    static String json(List<Row> rows) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            s.append(i == 0 ? "" : ",")
                    .append("\n  {\"name\":\"")
                    .append(r.name())
                    .append("\",\"online\":")
                    .append(r.online())
                    .append(",\"lastSeen\":")
                    .append(r.lastSeen() == null ? "null" : "\"" + r.lastSeen() + "\"")
                    .append('}');
        }
        return s.append(rows.isEmpty() ? "]\n" : "\n]\n").toString();
    }
}
