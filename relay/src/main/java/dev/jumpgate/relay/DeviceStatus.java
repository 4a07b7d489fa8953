package dev.jumpgate.relay;

import dev.jumpgate.protocol.DeviceName;
import java.time.Instant;

/** A device as a user sees it in a list: online now, or when it was last seen (null: never). */
public record DeviceStatus(DeviceName name, boolean online, Instant lastSeen) {}
