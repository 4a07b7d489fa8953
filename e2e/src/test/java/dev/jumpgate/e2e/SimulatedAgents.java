package dev.jumpgate.e2e;

import dev.jumpgate.agent.AgentRunner;
import dev.jumpgate.agent.AgentState;
import dev.jumpgate.agent.Enrollment;
import dev.jumpgate.agent.Targets;
import dev.jumpgate.protocol.DeviceName;
import dev.jumpgate.protocol.HostPort;
import dev.jumpgate.transport.RoutePlan;
import dev.jumpgate.transport.Transport;
import dev.jumpgate.transport.link.LinkRefusedException;
import dev.jumpgate.transport.proxy.ProxyEnvironment;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Many agents in one JVM, each the real thing: a key of its own, enrolled with a token of its own
 * ({@link Enrollment}), kept linked by an {@link AgentRunner} (TLS 1.3 with the relay pinned and the agent's
 * certificate, the handshake, HTTP/2 as acceptor answering PINGs and stream requests, and the agent's own backoff
 * after a lost link). Every link shares one event loop group of two threads; each runner's loop is a virtual
 * thread, parked while its link is up.
 *
 * <p>A stream to {@code DEVICE:ECHO_PORT} reaches one echo server. The SSH target is a port bound but not
 * listening, so the host key probe each agent makes before it dials is refused at once.
 */
final class SimulatedAgents implements AutoCloseable {

    /**
     * Relay arguments for a lab that holds simulated agents: they all dial from 127.0.0.1, which real devices never
     * share, so the per-address bound on connections not yet authenticated is lifted to the total one (which stays
     * as users get it).
     */
    static final String[] RELAY_ARGS = {"--max-unauthenticated-per-address", "512"};

    /** Lines of {@code token create A B ...}: {@code DEVICE TOKEN}. */
    record Issued(String device, String token) {}

    private record Running(AgentRunner runner, Thread thread) {}

    private static final RoutePlan TLS_ONLY = new RoutePlan(
            Optional.of(Transport.TLS), Optional.empty(), Optional.empty(), new ProxyEnvironment(Map.of()));

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Echo echo;
    private final Socket noSsh;
    private final Map<DeviceName, Running> running = new ConcurrentHashMap<>();
    /** Why runners gave up for good (a relay refusal); empty while all is well. */
    final Queue<String> gaveUp = new ConcurrentLinkedQueue<>();

    SimulatedAgents() throws IOException {
        echo = Echo.start();
        noSsh = new Socket();
        noSsh.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    int echoPort() {
        return echo.port();
    }

    /**
     * Enrolls every device, {@code parallel} at a time, each into {@code stateRoot/DEVICE}; fails on the first error.
     */
    List<AgentState> enroll(List<Issued> tokens, Path stateRoot, int parallel) throws Exception {
        Semaphore slots = new Semaphore(parallel);
        List<Future<AgentState>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Issued t : tokens) {
                done.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return Enrollment.enroll(group, t.token(), stateRoot.resolve(t.device()), TLS_ONLY);
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        List<AgentState> states = new ArrayList<>();
        for (Future<AgentState> f : done) {
            states.add(f.get());
        }
        return states;
    }

    /** Starts the agent's reconnect loop: it dials now, and again after every lost link. */
    void start(AgentState state) {
        Targets targets = new Targets(
                state.device(),
                new HostPort("127.0.0.1", noSsh.getLocalPort()),
                List.of(new HostPort("127.0.0.1", echo.port())));
        AgentRunner runner = new AgentRunner(group, state, targets, TLS_ONLY, AgentRunner.UPGRADE_EVERY);
        Thread thread = Thread.ofVirtual().name("agent-" + state.device()).unstarted(() -> {
            try {
                runner.run();
            } catch (LinkRefusedException | RuntimeException e) {
                gaveUp.add(state.device() + ": " + e);
            } catch (InterruptedException e) {
                // stopped
            }
        });
        if (running.putIfAbsent(state.device(), new Running(runner, thread)) != null) {
            throw new IllegalStateException(state.device() + " is running already");
        }
        thread.start();
    }

    /** Closes the agent's link and ends its loop, as {@code agent run} does on exit. */
    void stop(DeviceName device) throws InterruptedException {
        Running r = running.remove(device);
        if (r != null) {
            r.runner().stop();
            r.thread().interrupt();
            r.thread().join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    boolean isRunning(DeviceName device) {
        return running.containsKey(device);
    }

    int runningCount() {
        return running.size();
    }

    /** Stops every agent, many at a time. */
    void stopAll() throws InterruptedException {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DeviceName d : List.copyOf(running.keySet())) {
                threads.submit(() -> {
                    stop(d);
                    return null;
                });
            }
        }
    }

    @Override
    public void close() throws Exception {
        stopAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        echo.close();
        noSsh.close();
    }

    /** {@code DEVICE TOKEN} lines as {@code token create} prints them for several devices. */
    static List<Issued> parse(String tokenCreateOutput) {
        return tokenCreateOutput
                .lines()
                .filter(l -> !l.isBlank())
                .map(l -> {
                    String[] w = l.strip().split(" ");
                    return new Issued(w[0], w[1]);
                })
                .toList();
    }
}
