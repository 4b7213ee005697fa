package io.skein.replication.api;

import java.util.List;

/**
 * The metadata quorum as its leader sees it, for DescribeQuorum.
 *
 * @param leaderId the leader's node id
 * @param leaderEpoch the Raft term
 * @param highWatermark the commit index of the metadata log
 * @param voters every voter, the leader included
 */
public record QuorumInfo(int leaderId, long leaderEpoch, long highWatermark, List<Replica> voters) {

    /**
     * One voter.
     *
     * @param logEndOffset the next log index the leader knows this voter to need (match index + 1), -1 unknown
     * @param lastFetchTimestamp wall-clock ms of the leader's last successful exchange with it, -1 unknown
     * @param lastCaughtUpTimestamp wall-clock ms it was last known to have the whole log, -1 unknown
     */
    public record Replica(int id, long logEndOffset, long lastFetchTimestamp, long lastCaughtUpTimestamp) {
    }
}
