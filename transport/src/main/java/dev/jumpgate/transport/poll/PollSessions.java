package dev.jumpgate.transport.poll;

import dev.jumpgate.transport.pipe.PipeChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's long-poll sessions by id. Opening one makes a {@link PipeChannel} pair on one event loop: the link
 * end gets the same pipeline as an accepted TLS connection ({@code linkEnd}), the pump end a {@link PollSession}.
 */
public final class PollSessions {

    private static final Logger log = LoggerFactory.getLogger(PollSessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Sessions at once, all agents together: a flood of opens must not exhaust the relay. */
    static final int MAX_SESSIONS = 10_000;

    private final EventLoopGroup group;
    private final Consumer<Channel> linkEnd;
    private final Map<String, PollSession> sessions = new ConcurrentHashMap<>();

    /** @param linkEnd installs the link pipeline (TLS server, magic dispatch) on the link end of each pair */
    public PollSessions(EventLoopGroup group, Consumer<Channel> linkEnd) {
        this.group = group;
        this.linkEnd = linkEnd;
    }

    /** Opens a session; completes with its id once both ends are registered. */
    Future<String> open(String remote) {
        EventLoop loop = group.next();
        Promise<String> opened = loop.newPromise();
        if (sessions.size() >= MAX_SESSIONS) {
            opened.setFailure(new IllegalStateException("too many long-poll sessions"));
            return opened;
        }
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        PollSession session = new PollSession(id, () -> sessions.remove(id));
        ChannelInitializer<Channel> linkEndInit = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                linkEnd.accept(ch);
            }
        };
        // Registered before the pair so that the first request for it, which may come at once, finds it.
        sessions.put(id, session);
        PipeChannel.pair(loop, "long-poll " + remote, linkEndInit, session).addListener(f -> {
            if (f.isSuccess()) {
                log.debug("long-poll session {}… opened for {}", id.substring(0, 6), remote);
                opened.setSuccess(id);
            } else {
                sessions.remove(id);
                opened.setFailure(f.cause());
            }
        });
        return opened;
    }

    Optional<PollSession> get(String id) {
        return Optional.ofNullable(sessions.get(id)).filter(PollSession::isReady);
    }

    public int count() {
        return sessions.size();
    }

    public void closeAll() {
        sessions.values().stream().filter(PollSession::isReady)
                .forEach(s -> s.channel().eventLoop().execute(s::close));
    }
}
