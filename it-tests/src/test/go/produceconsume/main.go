// produceconsume: produces N messages with acks=all and idempotence through confluent-kafka-go,
// checks every delivery report, then reads them all back (assign, no consumer group) and checks
// each value. Exits non-zero on any failure. Usage: produceconsume BOOTSTRAP TOPIC COUNT
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: produceconsume BOOTSTRAP TOPIC COUNT")
	}
	bootstrap, topic := os.Args[1], os.Args[2]
	count, err := strconv.Atoi(os.Args[3])
	if err != nil {
		fail("bad count: %v", err)
	}

	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers":  bootstrap,
		"acks":               "all",
		"enable.idempotence": true,
	})
	if err != nil {
		fail("producer: %v", err)
	}
	delivered := 0
	done := make(chan bool)
	go func() {
		for e := range p.Events() {
			switch ev := e.(type) {
			case *kafka.Message:
				if ev.TopicPartition.Error != nil {
					fail("delivery failed: %v", ev.TopicPartition.Error)
				}
				delivered++
				if delivered == count {
					done <- true
					return
				}
			}
		}
	}()
	for i := 0; i < count; i++ {
		msg := &kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key:            []byte(fmt.Sprintf("key-%d", i)),
			Value:          []byte(fmt.Sprintf("value-%d", i)),
		}
		for {
			err = p.Produce(msg, nil)
			if err == nil {
				break
			}
			if kerr, ok := err.(kafka.Error); ok && kerr.Code() == kafka.ErrQueueFull {
				p.Flush(100)
				continue
			}
			fail("produce: %v", err)
		}
	}
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		fail("only %d of %d delivery reports arrived", delivered, count)
	}
	p.Close()
	fmt.Printf("delivered %d\n", delivered)

	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":  bootstrap,
		"group.id":           "unused-no-commits",
		"enable.auto.commit": false,
	})
	if err != nil {
		fail("consumer: %v", err)
	}
	md, err := c.GetMetadata(&topic, false, 10000)
	if err != nil {
		fail("metadata: %v", err)
	}
	var parts []kafka.TopicPartition
	for _, pm := range md.Topics[topic].Partitions {
		parts = append(parts, kafka.TopicPartition{Topic: &topic, Partition: pm.ID, Offset: kafka.OffsetBeginning})
	}
	if err = c.Assign(parts); err != nil {
		fail("assign: %v", err)
	}
	seen := make(map[string]bool)
	deadline := time.Now().Add(60 * time.Second)
	for len(seen) < count && time.Now().Before(deadline) {
		ev := c.Poll(500)
		switch m := ev.(type) {
		case *kafka.Message:
			if m.TopicPartition.Error != nil {
				fail("consume: %v", m.TopicPartition.Error)
			}
			seen[string(m.Value)] = true
		case kafka.Error:
			fmt.Fprintf(os.Stderr, "consumer error (continuing): %v\n", m)
		}
	}
	c.Close()
	for i := 0; i < count; i++ {
		if !seen[fmt.Sprintf("value-%d", i)] {
			fail("value-%d was not read back (%d of %d seen)", i, len(seen), count)
		}
	}
	fmt.Printf("consumed %d\n", len(seen))
}
