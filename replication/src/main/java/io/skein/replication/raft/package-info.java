/**
 * The metadata quorum on Apache Ratis: the Raft server and client, the state machine that turns
 * commands into records on the leader and replays them everywhere, and the delivery of images to
 * listeners. The only package that may use Ratis; depends on {@code api}, {@code metadata} and
 * {@code controller}.
 */
package io.skein.replication.raft;
