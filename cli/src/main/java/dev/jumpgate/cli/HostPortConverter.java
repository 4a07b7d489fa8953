package dev.jumpgate.cli;

import dev.jumpgate.protocol.HostPort;
import picocli.CommandLine;

/** Lets options take HOST:PORT. */
final class HostPortConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
        try {
            return HostPort.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
