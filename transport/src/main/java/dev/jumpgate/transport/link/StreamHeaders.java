package dev.jumpgate.transport.link;

import dev.jumpgate.protocol.StreamRequest;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;

/** Builds and reads the headers of a stream request and its answer ({@link StreamRequest}). */
public final class StreamHeaders {

    private StreamHeaders() {}

    public static Http2HeadersFrame connect(String authority, String user) {
        Http2Headers h = new DefaultHttp2Headers().method("CONNECT").authority(authority);
        h.set(StreamRequest.USER_HEADER, user);
        return new DefaultHttp2HeadersFrame(h, false);
    }

    public static Http2HeadersFrame accepted() {
        return new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false);
    }

    public static Http2HeadersFrame refused(String status, String reason) {
        Http2Headers h = new DefaultHttp2Headers().status(status);
        h.set(StreamRequest.REASON_HEADER, reason);
        return new DefaultHttp2HeadersFrame(h, true);
    }

    public static boolean isAccepted(Http2Headers h) {
        return h.status() != null && "200".contentEquals(h.status());
    }

    public static String reason(Http2Headers h) {
        CharSequence r = h.get(StreamRequest.REASON_HEADER);
        return r != null ? r.toString() : "the agent answered status " + h.status();
    }
}
