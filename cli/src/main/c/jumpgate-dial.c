/*
 * jumpgate-dial: `jumpgate proxy DEVICE [PORT]` through a running mux, without a JVM.
 *
 *   jumpgate-dial BUILD LAUNCHER proxy DEVICE [PORT]
 *
 * ssh starts the ProxyCommand once per connection, and a JVM's start is most of what a connection through the mux
 * costs (docs/BENCHMARKS.md, "Client start-up"). The launcher runs this instead when it was built: it finds the
 * mux socket of the user's login exactly as the Java client names it (MuxSocket: FNV-1a over the login file, the
 * build's stat identity and the link's environment), asks the mux for the stream and copies bytes in the mux's
 * frames (docs/PROTOCOL.md, "Mux"). Whenever it cannot be sure of the mux (no login file, no socket, a directory
 * others may enter, the mux's link down), and before it has read or written a byte of ssh's, it runs
 * `LAUNCHER proxy DEVICE [PORT]` in its place with JUMPGATE_DIAL=no, and the JVM does what it always did.
 *
 * Exit status as the Java client's: 0 done, 3 refused, 4 the stream broke or the mux went away.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LINE 1024          /* MuxProtocol.MAX_LINE */
#define MAX_FRAME (1u << 24)   /* MuxProtocol.MAX_FRAME */
#define BROKE 0xffffffffu      /* MuxProtocol.BROKE */
#define CHUNK (64 * 1024)      /* MuxDial.CHUNK: one read of stdin, one frame */
#define MAX_PATH 100           /* MuxSocket.MAX_PATH */
#define MAX_LOGIN (64 * 1024)  /* a login file is a few hundred bytes; a larger one goes to the JVM */

enum { REFUSED = 3, RELAY = 4 };

/* MuxSocket.LINK_ENVIRONMENT, in its order */
static const char *const LINK_ENVIRONMENT[] = {"JUMPGATE_TRANSPORT", "JUMPGATE_PROXY", "JUMPGATE_RELAY_HTTP",
                                               "HTTPS_PROXY",        "https_proxy",    "NO_PROXY",
                                               "no_proxy",           "SSH_AUTH_SOCK"};

static char *const *fallback_argv;

/*
 * JUMPGATE_TRACE=FILE, as the Java client's StartupTrace: one line appended at exit, the milliseconds since the
 * launcher started (JUMPGATE_LAUNCH_US) of each step, then the CPU seconds of this process.
 */
static const char *trace_file;
static double trace_origin_us;
static char trace_line[512] = "proxy launch=0.0";

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void mark(const char *step) {
    if (trace_file == NULL || strstr(trace_line, step) != NULL) return;
    size_t n = strlen(trace_line);
    snprintf(trace_line + n, sizeof trace_line - n, " %s=%.1f", step, (now_us() - trace_origin_us) / 1e3);
}

/* ssh ends its ProxyCommand with SIGHUP: with a trace wanted, the loops below see it and exit, writing the trace. */
static volatile sig_atomic_t stopped;

static void stop(int sig) { stopped = sig; }

static void exit_if_stopped(void) {
    if (stopped) exit(128 + stopped);
}

static void write_trace(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    FILE *f = fopen(trace_file, "a");
    if (f == NULL) return;
    fprintf(f, "%s cpu=%.3f\n", trace_line,
            r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6);
    fclose(f);
}

/* Runs the launcher in this process's place: nothing of ssh's has been read or written yet. */
static void fall_back(void) {
    trace_file = NULL; /* the JVM writes the trace */
    setenv("JUMPGATE_DIAL", "no", 1);
    execv(fallback_argv[0], fallback_argv);
    fprintf(stderr, "jumpgate: cannot run %s: %s\n", fallback_argv[0], strerror(errno));
    exit(1);
}

static void fail(int status, const char *message) {
    fprintf(stderr, "jumpgate: %s\n", message);
    exit(status);
}

typedef struct { uint64_t h; } fnv64;

static void fnv_add(fnv64 *f, const void *bytes, size_t n) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < n; i++) {
        f->h = (f->h ^ p[i]) * 0x100000001b3ull;
    }
}

static void fnv_str(fnv64 *f, const char *s) { fnv_add(f, s, strlen(s)); }

static int blank(const char *s) {
    if (s == NULL) return 1;
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v') return 0;
    }
    return 1;
}

/* A path from parts, or fall back if it does not fit. */
static void join(char *out, size_t size, const char *a, const char *b) {
    if ((size_t)snprintf(out, size, "%s%s", a, b) >= size) fall_back();
}

/* The login file's bytes, into buf; falls back if it cannot be read. */
static size_t read_login(const char *config_dir, char *buf) {
    char path[4096];
    join(path, sizeof path, config_dir, "/client.properties");
    FILE *f = fopen(path, "rb");
    if (f == NULL) fall_back();
    size_t n = fread(buf, 1, MAX_LOGIN, f);
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more) fall_back();
    return n;
}

/* Writes all n bytes; 0 if the other end is gone. */
static int write_all(int fd, const void *bytes, size_t n) {
    const char *p = bytes;
    while (n > 0) {
        ssize_t w = fd == 1 ? write(fd, p, n) : send(fd, p, n, MSG_NOSIGNAL);
        exit_if_stopped();
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

/* Reads exactly n bytes from the mux; 0 if it closed first. */
static int read_exactly(int fd, void *bytes, size_t n) {
    char *p = bytes;
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        exit_if_stopped();
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return 0;
        p += r;
        n -= (size_t)r;
    }
    return 1;
}

/* One line from the mux, without its newline; 0 if it closed first or sent more than MAX_LINE. */
static int read_line(int fd, char *line) {
    for (size_t n = 0; n < MAX_LINE; n++) {
        if (!read_exactly(fd, &line[n], 1)) return 0;
        if (line[n] == '\n') {
            line[n] = 0;
            return 1;
        }
    }
    return 0;
}

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* The stream's way down: what the mux sent, read as the socket has it (frames and their lengths may straddle reads). */
typedef struct {
    unsigned char bytes[CHUNK];
    size_t start, end; /* unread bytes are bytes[start, end) */
    uint32_t left;     /* bytes of the current frame still to copy to stdout; 0: a length comes next */
} downstream;

static void mux_gone(void) { fail(RELAY, "the jumpgate mux closed the connection (its log: `jumpgate mux status`)"); }

/* The reason line after a broke frame: what is buffered, then the rest from the socket. */
static void broke(int mux, downstream *d) {
    char line[MAX_LINE + 1];
    size_t n = 0;
    for (;;) {
        unsigned char c;
        if (d->start < d->end) {
            c = d->bytes[d->start++];
        } else if (!read_exactly(mux, &c, 1)) {
            break;
        }
        if (c == '\n' || n == MAX_LINE) break;
        line[n++] = (char)c;
    }
    line[n] = 0;
    char reason[MAX_LINE + 64];
    snprintf(reason, sizeof reason, "the stream to the device broke: %s", n > 0 ? line : "(no reason given)");
    fail(RELAY, reason);
}

/* Reads what the mux has and copies its frames' bytes to stdout; 0 once its length-0 frame came (the way down ended). */
static int take_frames(int mux, downstream *d) {
    ssize_t r = read(mux, d->bytes + d->end, sizeof d->bytes - d->end);
    exit_if_stopped();
    if (r < 0 && errno == EINTR) return 1;
    if (r <= 0) mux_gone();
    d->end += (size_t)r;
    while (d->start < d->end) {
        if (d->left == 0) {
            if (d->end - d->start < 4) break; /* the rest of the length comes with the next read */
            const unsigned char *p = d->bytes + d->start;
            uint32_t n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
            d->start += 4;
            if (n == 0) {
                close(1); /* ssh sees EOF on the proxy's stdout */
                return 0;
            }
            if (n == BROKE) broke(mux, d);
            if (n > MAX_FRAME) {
                char message[96];
                snprintf(message, sizeof message, "the mux sent a frame of %u bytes", n);
                fail(RELAY, message);
            }
            d->left = n;
        } else {
            size_t k = d->end - d->start < d->left ? d->end - d->start : d->left;
            if (!write_all(1, d->bytes + d->start, k)) exit(0); /* ssh closed our stdout: the session is over */
            mark("first-byte-out");
            d->start += k;
            d->left -= (uint32_t)k;
        }
    }
    /* at most a part of a length is left: move it to the front */
    memmove(d->bytes, d->bytes + d->start, d->end - d->start);
    d->end -= d->start;
    d->start = 0;
    return 1;
}

/*
 * Joins stdin and stdout to the opened stream until both ways are done (MuxDial.bridge): stdin's reads go out as
 * frames, a length-0 frame when it ends; the mux's frames come in and go to stdout until its length-0 frame.
 */
static int bridge(int mux) {
    static unsigned char out[4 + CHUNK];
    static downstream down_buffer;
    int up = 1, down = 1;
    while (up || down) {
        struct pollfd fds[2] = {{.fd = up ? 0 : -1, .events = POLLIN}, {.fd = down ? mux : -1, .events = POLLIN}};
        int ready = poll(fds, 2, -1);
        exit_if_stopped();
        if (ready < 0) {
            if (errno == EINTR) continue;
            fail(1, strerror(errno));
        }
        if (up && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = read(0, out + 4, CHUNK);
            exit_if_stopped();
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                put_u32(out, 0);
                write_all(mux, out, 4);
                up = 0;
            } else {
                mark("first-byte-in");
                put_u32(out, (uint32_t)r);
                /* A mux that stopped reading closed the stream: the way down says how (MuxDial.pumpStdin). */
                if (!write_all(mux, out, 4 + (size_t)r)) up = 0;
            }
        }
        if (down && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            down = take_frames(mux, &down_buffer);
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: jumpgate-dial BUILD LAUNCHER proxy DEVICE [PORT]\n");
        return 2;
    }
    trace_file = getenv("JUMPGATE_TRACE");
    if (trace_file != NULL) {
        const char *launched = getenv("JUMPGATE_LAUNCH_US");
        trace_origin_us = launched != NULL ? atof(launched) * 1e6 : now_us(); /* bash's $EPOCHREALTIME: seconds */
        mark("exec");
        atexit(write_trace);
        struct sigaction on_stop = {.sa_handler = stop}; /* no SA_RESTART: blocked calls return EINTR */
        sigaction(SIGHUP, &on_stop, NULL);
        sigaction(SIGTERM, &on_stop, NULL);
        sigaction(SIGINT, &on_stop, NULL);
    }
    const char *build = argv[1];
    fallback_argv = &argv[2]; /* the launcher, then `proxy DEVICE [PORT]` as given */
    int args = argc - 3;
    if (args < 2 || args > 3 || strcmp(argv[3], "proxy") != 0) fall_back();
    const char *device = argv[4];
    const char *port = args == 3 ? argv[5] : "22";
    if (device[0] == 0 || device[0] == '-' || strlen(port) > 5 || strspn(port, "0123456789") != strlen(port) ||
        port[0] == 0 || atoi(port) > 65535) {
        fall_back(); /* what the JVM parses and explains */
    }
    for (const char *c = device; *c; c++) {
        if ((unsigned char)*c <= ' ' || *c == 0x7f) fall_back(); /* never a second line on the mux's socket */
    }
    int target = atoi(port) == 0 ? 22 : atoi(port);
    const char *mux_wanted = getenv("JUMPGATE_MUX");
    if (mux_wanted != NULL && (!strcasecmp(mux_wanted, "no") || !strcasecmp(mux_wanted, "off") ||
                               !strcmp(mux_wanted, "0") || !strcasecmp(mux_wanted, "false"))) {
        fall_back();
    }

    /* ClientConfig.dir: $XDG_CONFIG_HOME/jumpgate, else the home directory's .config/jumpgate */
    char config_dir[4096];
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (!blank(xdg)) {
        join(config_dir, sizeof config_dir, xdg, "/jumpgate");
    } else {
        struct passwd *pw = getpwuid(getuid()); /* Java's user.home, which ignores $HOME */
        if (pw == NULL) fall_back();
        join(config_dir, sizeof config_dir, pw->pw_dir, "/.config/jumpgate");
    }
    static char login[MAX_LOGIN];
    size_t login_size = read_login(config_dir, login);

    /* MuxSocket.hash */
    fnv64 f = {0xcbf29ce484222325ull};
    fnv_str(&f, "jumpgate-mux 2\n");
    fnv_add(&f, login, login_size);
    struct stat b;
    char identity[160];
    if (stat(build, &b) == 0) {
        snprintf(identity, sizeof identity, "\nbuild %ju %ju %jd %jd.%09ld\n", (uintmax_t)b.st_dev,
                 (uintmax_t)b.st_ino, (intmax_t)b.st_size, (intmax_t)b.st_mtim.tv_sec, b.st_mtim.tv_nsec);
    } else {
        snprintf(identity, sizeof identity, "\nbuild 0 0 0 0.000000000\n");
    }
    fnv_str(&f, identity);
    for (size_t i = 0; i < sizeof LINK_ENVIRONMENT / sizeof *LINK_ENVIRONMENT; i++) {
        const char *v = getenv(LINK_ENVIRONMENT[i]);
        fnv_str(&f, LINK_ENVIRONMENT[i]);
        fnv_str(&f, "=");
        fnv_str(&f, v ? v : "");
        fnv_str(&f, "\n");
    }

    /* MuxSocket.current: $XDG_RUNTIME_DIR/jumpgate, else the config directory's mux/ */
    char dir[4096], sock[4096];
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    if (!blank(runtime)) {
        join(dir, sizeof dir, runtime, "/jumpgate");
    } else {
        join(dir, sizeof dir, config_dir, "/mux");
    }
    char name[64];
    snprintf(name, sizeof name, "/mux-%016llx.sock", (unsigned long long)f.h);
    join(sock, sizeof sock, dir, name);
    if (strlen(sock) > MAX_PATH) fall_back();

    /* Only a directory that is the user's own and closed to others (MuxSocket.secureDir): whoever can put a
       socket there would be handed this session. */
    struct stat d;
    if (lstat(dir, &d) != 0 || !S_ISDIR(d.st_mode) || d.st_uid != getuid() || (d.st_mode & 077) != 0) fall_back();

    int mux = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un at = {.sun_family = AF_UNIX};
    memcpy(at.sun_path, sock, strlen(sock) + 1);
    if (mux < 0 || connect(mux, (struct sockaddr *)&at, sizeof at) != 0) fall_back();
    mark("mux-connected");

    char request[MAX_LINE], answer[MAX_LINE];
    int n = snprintf(request, sizeof request, "open %s %d\n", device, target);
    if (n < 0 || n >= (int)sizeof request || !write_all(mux, request, (size_t)n)) fall_back();
    if (!read_line(mux, answer)) fall_back(); /* the mux went away before answering */
    mark("mux-answer");
    if (strncmp(answer, "refused ", 8) == 0) {
        char *reason = strchr(answer + 8, ' ');
        fail(REFUSED, reason != NULL ? reason + 1 : "refused");
    }
    if (strcmp(answer, "ok") != 0) {
        close(mux);
        fall_back(); /* "failed ...": its link is down; the JVM dials the relay itself */
    }
    signal(SIGPIPE, SIG_IGN);
    return bridge(mux);
}
