// produceconsume drives confluent-kafka-go 0.11.6 (Debian's package, on the system librdkafka)
// against a Kafka-compatible broker: it produces COUNT messages with acks=all and idempotence,
// checks every delivery report, then reads every message back with an assign()-based consumer
// (no commits) and checks key, value, header and offset of each. It prints "delivered N" and
// "consumed N" and exits non-zero on the first failure.
//
// Usage: produceconsume BOOTSTRAP TOPIC COUNT
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

const timeout = 60 * time.Second

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

// message i, deterministic so the consumer can check it without keeping a copy.
func key(i int) []byte { return []byte(fmt.Sprintf("key-%d", i)) }

func value(i int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("value-%d;", i)), 1+i%50)
}

func header(i int) kafka.Header {
	return kafka.Header{Key: "seq", Value: []byte(strconv.Itoa(i))}
}

// where a message was acknowledged
type position struct {
	partition int32
	offset    int64
}

func produce(bootstrap, topic string, count int) []position {
	p, err := kafka.NewProducer(&kafka.ConfigMap{
		"bootstrap.servers":  bootstrap,
		"acks":               "all",
		"enable.idempotence": true,
	})
	if err != nil {
		fail("creating the producer: %v", err)
	}
	defer p.Close()

	acked := make([]position, count)
	var mu sync.Mutex
	delivered := 0
	done := make(chan struct{})
	go func() {
		for e := range p.Events() {
			switch ev := e.(type) {
			case *kafka.Message:
				if ev.TopicPartition.Error != nil {
					fail("delivery report for %s: %v", ev.Key, ev.TopicPartition.Error)
				}
				i := ev.Opaque.(int)
				mu.Lock()
				acked[i] = position{ev.TopicPartition.Partition, int64(ev.TopicPartition.Offset)}
				delivered++
				all := delivered == count
				mu.Unlock()
				if all {
					close(done)
					return
				}
			case kafka.Error:
				fmt.Fprintf(os.Stderr, "producer error event: %v\n", ev)
			}
		}
	}()

	for i := 0; i < count; i++ {
		msg := &kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key:            key(i),
			Value:          value(i),
			Headers:        []kafka.Header{header(i)},
			Opaque:         i,
		}
		for {
			err = p.Produce(msg, nil)
			if err == nil {
				break
			}
			if kerr, ok := err.(kafka.Error); ok && kerr.Code() == kafka.ErrQueueFull {
				time.Sleep(10 * time.Millisecond) // let the delivery goroutine drain the queue
				continue
			}
			fail("producing message %d: %v", i, err)
		}
	}
	select {
	case <-done:
	case <-time.After(timeout):
		mu.Lock()
		fail("only %d of %d delivery reports arrived within %v", delivered, count, timeout)
	}
	fmt.Printf("delivered %d\n", count)
	return acked
}

func consume(bootstrap, topic string, acked []position) {
	count := len(acked)
	// confluent-kafka-go 0.11.6 refuses to create a consumer without group.id; the group is
	// never joined (Assign, not Subscribe) and nothing is committed.
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":        bootstrap,
		"group.id":                 "produceconsume-assign-only",
		"enable.auto.commit":       false,
		"enable.auto.offset.store": false,
	})
	if err != nil {
		fail("creating the consumer: %v", err)
	}
	defer c.Close()

	md, err := c.GetMetadata(&topic, false, int(timeout/time.Millisecond))
	if err != nil {
		fail("metadata for %s: %v", topic, err)
	}
	var parts []kafka.TopicPartition
	expectedPerPartition := map[int32]int64{}
	for _, a := range acked {
		expectedPerPartition[a.partition]++
	}
	for _, pm := range md.Topics[topic].Partitions {
		parts = append(parts, kafka.TopicPartition{Topic: &topic, Partition: pm.ID, Offset: kafka.OffsetBeginning})
		_, high, err := c.QueryWatermarkOffsets(topic, pm.ID, int(timeout/time.Millisecond))
		if err != nil {
			fail("watermarks of partition %d: %v", pm.ID, err)
		}
		if high != expectedPerPartition[pm.ID] {
			fail("partition %d ends at offset %d, but %d messages were acknowledged there", pm.ID, high, expectedPerPartition[pm.ID])
		}
	}
	if len(parts) == 0 {
		fail("topic %s has no partitions in the metadata", topic)
	}
	if err = c.Assign(parts); err != nil {
		fail("assign: %v", err)
	}

	byPosition := make(map[position]int, count)
	for i, a := range acked {
		byPosition[a] = i
	}
	nextOffset := map[int32]int64{}
	seen := 0
	deadline := time.Now().Add(timeout)
	for seen < count {
		if time.Now().After(deadline) {
			fail("only %d of %d messages read back within %v", seen, count, timeout)
		}
		switch m := c.Poll(500).(type) {
		case *kafka.Message:
			tp := m.TopicPartition
			if tp.Error != nil {
				fail("consuming: %v", tp.Error)
			}
			off := int64(tp.Offset)
			if off != nextOffset[tp.Partition] {
				fail("partition %d: got offset %d, expected %d (offsets are dense from 0)", tp.Partition, off, nextOffset[tp.Partition])
			}
			nextOffset[tp.Partition] = off + 1
			i, ok := byPosition[position{tp.Partition, off}]
			if !ok {
				fail("partition %d offset %d was never acknowledged", tp.Partition, off)
			}
			if !bytes.Equal(m.Key, key(i)) || !bytes.Equal(m.Value, value(i)) {
				fail("partition %d offset %d: key %q / value of %d bytes differ from message %d", tp.Partition, off, m.Key, len(m.Value), i)
			}
			if len(m.Headers) != 1 || m.Headers[0].Key != "seq" || !bytes.Equal(m.Headers[0].Value, header(i).Value) {
				fail("partition %d offset %d: headers %v differ from message %d", tp.Partition, off, m.Headers, i)
			}
			seen++
		case kafka.Error:
			// e.g. the group coordinator lookup librdkafka starts for any group.id; reading by
			// assignment does not need it.
			fmt.Fprintf(os.Stderr, "consumer error event (continuing): %v\n", m)
		}
	}
	fmt.Printf("consumed %d\n", seen)
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: produceconsume BOOTSTRAP TOPIC COUNT")
	}
	bootstrap, topic := os.Args[1], os.Args[2]
	count, err := strconv.Atoi(os.Args[3])
	if err != nil || count < 1 {
		fail("bad count %q", os.Args[3])
	}
	acked := produce(bootstrap, topic, count)
	consume(bootstrap, topic, acked)
}
