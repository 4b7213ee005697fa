// groupconsume drives confluent-kafka-go 0.11.6 (Debian's package, on the system librdkafka) as a
// consumer in a group with enable.auto.commit=false (librdkafka's default range,roundrobin assignors;
// this binding predates incremental assignment, so it cannot use cooperative-sticky): it reads
// LIMIT messages, committing each one synchronously after it has printed it ("consumed
// PARTITION OFFSET VALUE"), then closes (leaving the group) and prints "done N". It exits non-zero
// if LIMIT messages do not arrive within a minute.
//
// Usage: groupconsume BOOTSTRAP TOPIC GROUP LIMIT
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: groupconsume BOOTSTRAP TOPIC GROUP LIMIT")
	}
	limit, err := strconv.Atoi(os.Args[4])
	if err != nil {
		fail("LIMIT: %v", err)
	}
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":  os.Args[1],
		"group.id":           os.Args[3],
		"enable.auto.commit": false,
		"auto.offset.reset":  "earliest",
		"session.timeout.ms": 10000,
	})
	if err != nil {
		fail("creating the consumer: %v", err)
	}
	if err := c.Subscribe(os.Args[2], nil); err != nil {
		fail("subscribe: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	consumed := 0
	for consumed < limit {
		if time.Now().After(deadline) {
			fail("only %d of %d messages arrived", consumed, limit)
		}
		m, err := c.ReadMessage(time.Second)
		if err != nil {
			if kerr, ok := err.(kafka.Error); ok && kerr.Code() == kafka.ErrTimedOut {
				continue
			}
			fail("read: %v", err)
		}
		fmt.Printf("consumed %d %d %s\n", m.TopicPartition.Partition, m.TopicPartition.Offset, m.Value)
		if _, err := c.CommitMessage(m); err != nil {
			fail("commit of %v: %v", m.TopicPartition, err)
		}
		consumed++
	}
	if err := c.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Printf("done %d\n", consumed)
}
