/**
 * The metadata quorum on Apache Ratis: the Raft server and client, the state machine that turns
 * commands into records on the leader and replays them everywhere (with snapshots of the image so
 * restarts replay only the tail), the delivery of images to listeners, read-only queries to the
 * leader (broker heartbeats, DescribeQuorum, the image for broker-only nodes), and the active
 * controller's timers (broker sessions, leader rebalance). The only package that may use Ratis;
 * depends on {@code api}, {@code metadata} and {@code controller}.
 */
package io.skein.replication.raft;
