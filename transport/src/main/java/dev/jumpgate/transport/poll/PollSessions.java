package dev.jumpgate.transport.poll;

import dev.jumpgate.transport.AddressLimit;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's long-poll sessions by id. Opening one makes a {@link PipeChannel} pair on one event loop: the link
 * end gets the same pipeline as an accepted TLS connection ({@code linkEnd}), the pump end a {@link PollSession}.
 *
 * <p>Anyone who reaches the port can open a session, so one whose link has not authenticated yet is cheap and
 * short-lived ({@link PollLimits}): it counts against its address and against all such sessions, may hold only
 * {@link PollLimits#UNLINKED_WINDOW} early bytes, and ends when its link has not authenticated in time. Sessions
 * of linked agents are not counted there, so a flood of opens cannot take their place.
 */
public final class PollSessions {

    /** Why an open was refused; the HTTP side answers 503 with the message. */
    static final class RefusedException extends Exception {
        RefusedException(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(PollSessions.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EventLoopGroup group;
    private final BiConsumer<Channel, Runnable> linkEnd;
    private final PollLimits limits;
    private final ReassemblyBudget budget;
    private final Map<String, PollSession> sessions = new ConcurrentHashMap<>();
    private final AddressLimit unlinked;

    /**
     * @param linkEnd installs the link pipeline (TLS server, magic dispatch) on the link end of each pair, and
     *     runs the given callback once that link has authenticated
     */
    public PollSessions(EventLoopGroup group, BiConsumer<Channel, Runnable> linkEnd, PollLimits limits) {
        this.group = group;
        this.linkEnd = linkEnd;
        this.limits = limits;
        this.budget = new ReassemblyBudget(limits.reassembly());
        this.unlinked = new AddressLimit(limits.unlinkedPerAddress(), limits.unlinked());
    }

    /** Opens a session; completes with its id once both ends are registered, or fails with a refusal. */
    Future<String> open(SocketAddress remote) {
        EventLoop loop = group.next();
        Promise<String> opened = loop.newPromise();
        InetAddress source = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String refusal = count(source);
        if (refusal != null) {
            warn(refusal);
            opened.setFailure(new RefusedException(refusal));
            return opened;
        }
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Runnable uncount = once(() -> uncount(source));
        PollSession session = new PollSession(
                id, new Reassembly(PollLimits.UNLINKED_WINDOW, budget), limits.unlinkedLife(), uncount, () -> {
                    sessions.remove(id);
                    uncount.run();
                });
        ChannelInitializer<Channel> linkEndInit = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                linkEnd.accept(ch, session::linked);
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
                uncount.run();
                opened.setFailure(f.cause());
            }
        });
        return opened;
    }

    /** Counts a new unlinked session from {@code source}; the reason it may not open, or null. */
    private String count(InetAddress source) {
        if (sessions.size() >= limits.sessions()) {
            return "too many long-poll sessions (" + limits.sessions() + ")";
        }
        return switch (unlinked.tryAdd(source)) {
            case COUNTED -> null;
            case OVER_TOTAL -> "too many long-poll sessions not yet linked (" + limits.unlinked() + ")";
            case OVER_ADDRESS ->
                "too many long-poll sessions not yet linked from " + source.getHostAddress() + " ("
                        + limits.unlinkedPerAddress() + ")";
        };
    }

    private void uncount(InetAddress source) {
        unlinked.remove(source);
    }

    private void warn(String refusal) {
        if (unlinked.warningDue()) {
            log.warn("long-poll: refusing sessions: {} ({} refused so far)", refusal, unlinked.refused());
        }
    }

    private static Runnable once(Runnable r) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                r.run();
            }
        };
    }

    Optional<PollSession> get(String id) {
        return Optional.ofNullable(sessions.get(id)).filter(PollSession::isReady);
    }

    public int count() {
        return sessions.size();
    }

    /** Sessions whose link has not authenticated (for tests and the flood's figures). */
    public int unlinked() {
        return unlinked.count();
    }

    /** Early bytes held by every session together. */
    public long heldBytes() {
        return budget.held();
    }

    public void closeAll() {
        sessions.values().stream()
                .filter(PollSession::isReady)
                .forEach(s -> s.channel().eventLoop().execute(s::close));
    }
}
