package dev.jumpgate.e2e;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What docs/ARCHITECTURE.md says about the code's structure, checked on the compiled classes of every module
 * (this module sees them all; tests are left out). Each rule names the section it pins; a rule changes with its
 * section. Packages are named by pattern, so moving a class within a module changes nothing here; the classes
 * named one by one are all in {@link #NAMED_CLASSES}.
 */
@AnalyzeClasses(packages = "dev.jumpgate", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    enum Use {
        /** Uses Netty outside {@code transport}. */
        NETTY,
        /** Uses MINA SSHD outside {@code ssh}, {@code relay.bastion} and {@code agent.embedded}. */
        MINA_SSHD,
        /** Must use neither Netty nor TLS. */
        NO_NETTY_NO_TLS,
        /**
         * A composition root: it builds the sub-packages of its own package from types that live beside it and that
         * those sub-packages use, a cycle the cycle check accepts (it ignores the root's dependencies on them).
         */
        COMPOSITION_ROOT
    }

    record Named(String className, Use use, String why) {}

    /**
     * Every class a rule names by itself, with the reason; ARCHITECTURE.md "Where the libraries are used" lists the
     * same classes. A class's nested and anonymous classes count as the class.
     */
    static final List<Named> NAMED_CLASSES = List.of(
            new Named("dev.jumpgate.relay.Relay", Use.NETTY, "owns the relay's event loop group"),
            new Named("dev.jumpgate.cli.AgentCommand", Use.NETTY, "owns the agent's event loop group"),
            new Named("dev.jumpgate.cli.QuickstartCommand", Use.NETTY, "owns the demo agent's event loop group"),
            new Named("dev.jumpgate.agent.AgentRunner", Use.NETTY, "takes the group, holds the link's channel"),
            new Named("dev.jumpgate.agent.RouteDialer", Use.NETTY, "takes the group, dials routes into channels"),
            new Named("dev.jumpgate.agent.Enrollment", Use.NETTY, "takes the group, reads the Welcome"),
            new Named("dev.jumpgate.client.RelayClient", Use.NETTY, "owns the client's event loop, opens streams"),
            new Named("dev.jumpgate.agent.StreamRequestHandler", Use.NETTY, "joins a stream to a local socket"),
            new Named("dev.jumpgate.relay.bastion.DeviceChannel", Use.NETTY, "joins a stream to an SSH channel"),
            new Named("dev.jumpgate.relay.client.ClientStreams", Use.NETTY, "accepts a client link's streams"),
            new Named("dev.jumpgate.relay.client.ClientStream", Use.NETTY, "joins a client's stream to a device's"),
            new Named("dev.jumpgate.relay.client.UserAdmission", Use.NETTY, "hands the link its stream handler"),
            new Named("dev.jumpgate.client.StdioBridge", Use.NETTY, "joins a stream to stdin/stdout"),
            new Named("dev.jumpgate.client.PortForwarder", Use.NETTY, "joins streams to a local port's sockets"),
            new Named("dev.jumpgate.client.mux.MuxServer", Use.NETTY, "joins streams to the mux's Unix socket"),
            new Named("dev.jumpgate.relay.link.Links", Use.NETTY, "listens on a link's close future"),
            new Named(
                    "dev.jumpgate.cli.ConnectCommand",
                    Use.NETTY,
                    "closes the probe stream and waits on the forwarder's close future the client hands out"),
            new Named(
                    "dev.jumpgate.cli.TunnelCommand",
                    Use.NETTY,
                    "closes the probe stream and waits on the forwarder's close future the client hands out"),
            new Named(
                    "dev.jumpgate.relay.client.UserAdmission",
                    Use.MINA_SSHD,
                    "reads the client's SSH key and verifies its signature as the bastion does"),
            new Named(
                    "dev.jumpgate.client.mux.MuxDial",
                    Use.NO_NETTY_NO_TLS,
                    "the proxy's path to the mux: blocking I/O, nothing to load"),
            new Named(
                    "dev.jumpgate.relay.Relay",
                    Use.COMPOSITION_ROOT,
                    "starts bastion, console and client links with Access, Logins and DeviceList from its package,"
                            + " which relay.bastion, relay.console and relay.client use; a package of its own"
                            + " would end the cycle"));

    private static Set<String> named(Use use) {
        return NAMED_CLASSES.stream()
                .filter(n -> n.use() == use)
                .map(Named::className)
                .collect(Collectors.toSet());
    }

    /** The named classes and what is nested in them ({@code Outer$Inner}, {@code Outer$1}). */
    private static DescribedPredicate<JavaClass> namedFor(Use use) {
        Set<String> names = named(use);
        return DescribedPredicate.describe("named in NAMED_CLASSES as " + use + " " + names, c -> {
            String name = c.getName();
            int nested = name.indexOf('$');
            return names.contains(nested < 0 ? name : name.substring(0, nested));
        });
    }

    /** Classes in a sub-package of a composition root's own package. */
    private static DescribedPredicate<JavaClass> belowACompositionRoot() {
        Set<String> below = named(Use.COMPOSITION_ROOT).stream()
                .map(root -> root.substring(0, root.lastIndexOf('.') + 1))
                .collect(Collectors.toSet());
        return DescribedPredicate.describe(
                "in a sub-package of " + below,
                c -> below.stream().anyMatch(p -> c.getPackageName().startsWith(p)));
    }

    /** Every class named in {@link #NAMED_CLASSES} exists: a renamed or deleted one must be renamed here too. */
    @ArchTest
    static void namedClassesExist(JavaClasses classes) {
        assertThat(NAMED_CLASSES)
                .map(Named::className)
                .allSatisfy(name -> assertThat(classes.contain(name))
                        .as("%s, named in NAMED_CLASSES, is among the classes", name)
                        .isTrue());
    }

    /** "Modules (dependencies run one way)": the table's "may use" column, and what those may use. */
    @ArchTest
    static final ArchRule modulesDependOneWay = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("protocol")
            .definedBy("dev.jumpgate.protocol..")
            .layer("transport")
            .definedBy("dev.jumpgate.transport..")
            .layer("ssh")
            .definedBy("dev.jumpgate.ssh..")
            .layer("relay")
            .definedBy("dev.jumpgate.relay..")
            .layer("agent")
            .definedBy("dev.jumpgate.agent..")
            .layer("client")
            .definedBy("dev.jumpgate.client..")
            .layer("cli")
            .definedBy("dev.jumpgate.cli..")
            .whereLayer("protocol")
            .mayNotAccessAnyLayer()
            .whereLayer("transport")
            .mayOnlyAccessLayers("protocol")
            .whereLayer("ssh")
            .mayOnlyAccessLayers("protocol")
            .whereLayer("relay")
            .mayOnlyAccessLayers("transport", "ssh", "protocol")
            .whereLayer("agent")
            .mayOnlyAccessLayers("transport", "ssh", "protocol")
            .whereLayer("client")
            .mayOnlyAccessLayers("transport", "protocol")
            .whereLayer("cli")
            .mayOnlyAccessLayers("relay", "agent", "client", "transport", "ssh", "protocol");

    /** "Modules": protocol is "wire formats as pure Java", it may use nothing but the JDK's java.* packages. */
    @ArchTest
    static final ArchRule protocolIsPureJava = noClasses()
            .that()
            .resideInAPackage("dev.jumpgate.protocol..")
            .should()
            .dependOnClassesThat(not(resideInAnyPackage("dev.jumpgate.protocol..", "java..")))
            .as("protocol uses nothing but the JDK's java.* packages");

    /** "Modules (dependencies run one way)": no package of any module depends on itself through another. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.jumpgate.(**)")
            .should()
            .beFreeOfCycles()
            .ignoreDependency(namedFor(Use.COMPOSITION_ROOT), belowACompositionRoot());

    /** "Where the libraries are used": MINA SSHD. */
    @ArchTest
    static final ArchRule minaSshdOnlyWhereNamed = noClasses()
            .that(not(resideInAnyPackage(
                    "dev.jumpgate.ssh..", "dev.jumpgate.relay.bastion..", "dev.jumpgate.agent.embedded..")))
            .and(not(namedFor(Use.MINA_SSHD)))
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.apache.sshd..");

    /** "Where the libraries are used": Netty. */
    @ArchTest
    static final ArchRule nettyOnlyInTransportAndWhereNamed = noClasses()
            .that(not(resideInAPackage("dev.jumpgate.transport..")))
            .and(not(namedFor(Use.NETTY)))
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.netty..");

    /** "Where the libraries are used": pty4j, and JNA (which pty4j brings and OwnedFile calls). */
    @ArchTest
    static final ArchRule pty4jAndJnaOnlyInEmbedded = noClasses()
            .that(not(resideInAPackage("dev.jumpgate.agent.embedded..")))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.pty4j..", "com.sun.jna..");

    /**
     * "Where the libraries are used": BouncyCastle (TLS identities); and "Decisions and why", "The client starts
     * lean": no BouncyCastle (nor MINA, above) on the client's path.
     */
    @ArchTest
    static final ArchRule bouncyCastleOnlyInTransport = noClasses()
            .that(not(resideInAPackage("dev.jumpgate.transport..")))
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.bouncycastle..");

    /** "Where the libraries are used": SQL stays in the relay's store. */
    @ArchTest
    static final ArchRule sqlOnlyInTheStore = noClasses()
            .that(not(resideInAPackage("dev.jumpgate.relay.store..")))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "org.sqlite..");

    /** "How a client stream flows", "The mux": the proxy reaches the mux with blocking I/O, no Netty, no TLS. */
    @ArchTest
    static final ArchRule muxDialIsPlainBlockingIo = noClasses()
            .that(namedFor(Use.NO_NETTY_NO_TLS))
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.netty..", "javax.net.ssl..");
}
