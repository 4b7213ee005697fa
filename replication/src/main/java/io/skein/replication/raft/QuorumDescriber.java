package io.skein.replication.raft;

import io.skein.replication.api.QuorumInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * DescribeQuorum from the leader's Ratis state: the term as leader epoch, the commit index as high
 * watermark, and per voter the next log index the leader knows it to need (match index + 1) and
 * when the leader last heard from it. A voter counts as caught up when its match index reached the
 * commit index. Run on the leader only (read-only queries go there).
 *
 * <p>Stateless.
 */
final class QuorumDescriber {

    private QuorumDescriber() {
    }

    static QuorumInfo describe(RaftServer.Division division, long nowMs) {
        DivisionInfo info = division.getInfo();
        if (!info.isLeader()) {
            throw new IllegalStateException("node " + division.getId() + " is not the metadata quorum leader");
        }
        long commitIndex = division.getRaftLog().getLastCommittedIndex();
        int leaderId = Integer.parseInt(division.getId().toString());
        List<QuorumInfo.Replica> voters = new ArrayList<>();
        voters.add(new QuorumInfo.Replica(leaderId, division.getRaftLog().getNextIndex(), nowMs, nowMs));
        RoleInfoProto role = info.getRoleInfoProto();
        long[] matchIndices = info.getFollowerMatchIndices();
        List<ServerRpcProto> followers = role.getLeaderInfo().getFollowerInfoList();
        for (int i = 0; i < followers.size(); i++) {
            ServerRpcProto f = followers.get(i);
            int id = Integer.parseInt(RaftPeerId.valueOf(f.getId().getId()).toString());
            long match = i < matchIndices.length ? matchIndices[i] : -1;
            long lastFetch = nowMs - f.getLastRpcElapsedTimeMs();
            voters.add(new QuorumInfo.Replica(id, match < 0 ? -1 : match + 1, lastFetch,
                    match >= commitIndex ? lastFetch : -1));
        }
        voters.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new QuorumInfo(leaderId, info.getCurrentTerm(), commitIndex, List.copyOf(voters));
    }
}
