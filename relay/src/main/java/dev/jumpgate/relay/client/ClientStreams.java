package dev.jumpgate.relay.client;

import dev.jumpgate.relay.Access;
import dev.jumpgate.relay.DeviceList;
import dev.jumpgate.relay.Login;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.Executor;

/** Makes the handler for the streams of a client who logged in as a user. */
public final class ClientStreams {

    private final Access access;
    private final DeviceList devices;
    private final Executor blocking;

    public ClientStreams(Access access, DeviceList devices, Executor blocking) {
        this.access = access;
        this.devices = devices;
        this.blocking = blocking;
    }

    public ChannelHandler forLogin(Login login) {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new ClientStream(login, access, devices, blocking));
            }
        };
    }
}
