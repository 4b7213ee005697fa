package io.skein.replication.raft;

import io.skein.replication.api.BrokerHeartbeatState;
import io.skein.replication.api.QuorumInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * The bytes of read-only queries to the leader's state machine (never written to the log) and
 * of their answers. Query layout: type int8 (1 broker heartbeat: broker id int32, incarnation two
 * int64; 2 describe quorum; 3 image after an offset: offset int64), answers as written below.
 * Every node of a cluster runs the same layout.
 *
 * <p>Stateless.
 */
final class QueryCodec {

    static final byte HEARTBEAT = 1;
    static final byte DESCRIBE_QUORUM = 2;
    static final byte IMAGE_AFTER = 3;

    /** The leader's answer to an image query: its id and, if newer than asked, its committed image. */
    record ImageAnswer(int leaderId, byte[] snapshot) {
    }

    /** A decoded heartbeat query. */
    record Heartbeat(int brokerId, Uuid incarnationId) {
    }

    private QueryCodec() {
    }

    static byte[] heartbeat(int brokerId, Uuid incarnationId) {
        return ByteBuffer.allocate(1 + 4 + 16).put(HEARTBEAT).putInt(brokerId)
                .putLong(incarnationId.getMostSignificantBits()).putLong(incarnationId.getLeastSignificantBits())
                .array();
    }

    static byte[] describeQuorum() {
        return new byte[] {DESCRIBE_QUORUM};
    }

    static byte[] imageAfter(long offset) {
        return ByteBuffer.allocate(1 + 8).put(IMAGE_AFTER).putLong(offset).array();
    }

    static long decodeImageAfter(byte[] query) {
        return ByteBuffer.wrap(query, 1, query.length - 1).getLong();
    }

    /** leader int32, then nothing (the asker is up to date) or an image snapshot ({@code ImageSnapshotCodec}). */
    static byte[] encodeImageAnswer(ImageAnswer answer) {
        byte[] snapshot = answer.snapshot() == null ? new byte[0] : answer.snapshot();
        return ByteBuffer.allocate(4 + snapshot.length).putInt(answer.leaderId()).put(snapshot).array();
    }

    static ImageAnswer decodeImageAnswer(byte[] answer) {
        ByteBuffer b = ByteBuffer.wrap(answer);
        int leader = b.getInt();
        if (!b.hasRemaining()) {
            return new ImageAnswer(leader, null);
        }
        byte[] snapshot = new byte[b.remaining()];
        b.get(snapshot);
        return new ImageAnswer(leader, snapshot);
    }

    static byte type(byte[] query) {
        if (query.length == 0) {
            throw new IllegalArgumentException("empty query");
        }
        return query[0];
    }

    static Heartbeat decodeHeartbeat(byte[] query) {
        ByteBuffer b = ByteBuffer.wrap(query, 1, query.length - 1);
        return new Heartbeat(b.getInt(), new Uuid(b.getLong(), b.getLong()));
    }

    static byte[] encodeHeartbeatState(BrokerHeartbeatState state) {
        return new byte[] {(byte) state.ordinal()};
    }

    static BrokerHeartbeatState decodeHeartbeatState(byte[] answer) {
        return BrokerHeartbeatState.values()[answer[0]];
    }

    /** leader int32, epoch int64, high watermark int64, count int32, voters (id int32, three int64). */
    static byte[] encodeQuorumInfo(QuorumInfo info) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + 4 + info.voters().size() * (4 + 24));
        b.putInt(info.leaderId()).putLong(info.leaderEpoch()).putLong(info.highWatermark()).putInt(info.voters().size());
        for (QuorumInfo.Replica r : info.voters()) {
            b.putInt(r.id()).putLong(r.logEndOffset()).putLong(r.lastFetchTimestamp()).putLong(r.lastCaughtUpTimestamp());
        }
        return b.array();
    }

    static QuorumInfo decodeQuorumInfo(byte[] answer) {
        ByteBuffer b = ByteBuffer.wrap(answer);
        int leader = b.getInt();
        long epoch = b.getLong();
        long hw = b.getLong();
        int n = b.getInt();
        List<QuorumInfo.Replica> voters = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            voters.add(new QuorumInfo.Replica(b.getInt(), b.getLong(), b.getLong(), b.getLong()));
        }
        return new QuorumInfo(leader, epoch, hw, List.copyOf(voters));
    }
}
