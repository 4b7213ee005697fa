/** Apache Ratis: the Raft server and client of the metadata quorum and its state machine. Ratis stays inside this package. */
package io.skein.replication.raft;
