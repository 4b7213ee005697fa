package io.skein.broker.cli;

import io.skein.security.certs.CertsTool;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code skein certs --out DIR --hosts H1[,H2...] [--client NAME]}: parses the arguments, runs
 * {@link CertsTool} and prints its summary. Exit 0 on success, 2 on bad arguments, 1 when the
 * files cannot be written.
 */
final class CertsCommand {

    static final String USAGE = "usage: skein certs --out DIR --hosts HOST[,HOST...] [--client NAME]";

    private CertsCommand() {
    }

    static int run(List<String> args) {
        Path out = null;
        List<String> hosts = List.of();
        String client = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (i + 1 >= args.size()) {
                System.err.println("skein certs: " + arg + " needs a value\n" + USAGE);
                return 2;
            }
            String value = args.get(++i);
            switch (arg) {
                case "--out" -> out = Path.of(value);
                case "--hosts" -> hosts = Arrays.stream(value.split(",")).map(String::trim).filter(h -> !h.isEmpty())
                        .toList();
                case "--client" -> client = value;
                default -> {
                    System.err.println("skein certs: unknown option " + arg + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (out == null || hosts.isEmpty()) {
            System.err.println(USAGE);
            return 2;
        }
        if (hosts.stream().anyMatch(h -> !h.matches("[A-Za-z0-9.:_-]+"))
                || (client != null && !client.matches("[A-Za-z0-9._-]+"))) {
            System.err.println("skein certs: host and client names may only contain letters, digits, '.', '-', '_' and ':'");
            return 2;
        }
        try {
            System.out.print(CertsTool.run(out, hosts, client));
            return 0;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            System.err.println("skein certs: cannot write the certificates to " + out + ": " + e.getMessage());
            return 1;
        }
    }
}
