// saramagroup drives Shopify's sarama (Debian's package, 1.22, a pure-Go client speaking the
// protocol versions of Kafka 2.1) against a Kafka-compatible broker: an idempotent sync producer
// with acks=all sends COUNT messages and checks each acknowledgement, then a consumer group reads
// them all back, marks and commits every offset (OffsetCommit v2: an offset retention is set,
// as sarama 1.22 otherwise sends v1, which Kafka 4 removed), and leaves. It prints "produced N" and
// "consumed N" and exits non-zero on the first failure.
//
// Usage: saramagroup BOOTSTRAP TOPIC GROUP COUNT
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

type handler struct {
	mu       sync.Mutex
	seen     map[string]bool
	want     int
	done     chan struct{}
	doneOnce sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		h.mu.Lock()
		h.seen[string(m.Value)] = true
		all := len(h.seen) >= h.want
		h.mu.Unlock()
		s.MarkMessage(m, "")
		if all {
			h.doneOnce.Do(func() { close(h.done) })
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 5 {
		fail("usage: saramagroup BOOTSTRAP TOPIC GROUP COUNT")
	}
	brokers := []string{os.Args[1]}
	topic, group := os.Args[2], os.Args[3]
	count, err := strconv.Atoi(os.Args[4])
	if err != nil {
		fail("COUNT: %v", err)
	}

	pc := sarama.NewConfig()
	pc.Version = sarama.V2_1_0_0
	pc.Producer.RequiredAcks = sarama.WaitForAll
	pc.Producer.Idempotent = true
	pc.Producer.Return.Successes = true
	pc.Net.MaxOpenRequests = 1
	producer, err := sarama.NewSyncProducer(brokers, pc)
	if err != nil {
		fail("creating the producer: %v", err)
	}
	for i := 0; i < count; i++ {
		msg := &sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(fmt.Sprintf("k%d", i)),
			Value: sarama.StringEncoder(fmt.Sprintf("sarama-%d", i))}
		if _, _, err := producer.SendMessage(msg); err != nil {
			fail("send %d: %v", i, err)
		}
	}
	if err := producer.Close(); err != nil {
		fail("closing the producer: %v", err)
	}
	fmt.Printf("produced %d\n", count)

	cc := sarama.NewConfig()
	cc.Version = sarama.V2_1_0_0
	cc.Consumer.Offsets.Initial = sarama.OffsetOldest
	cc.Consumer.Offsets.CommitInterval = 100 * time.Millisecond
	// without a retention sarama 1.22 commits with OffsetCommit v1, which Kafka 4 removed (KIP-896)
	cc.Consumer.Offsets.Retention = 24 * time.Hour
	cg, err := sarama.NewConsumerGroup(brokers, group, cc)
	if err != nil {
		fail("creating the consumer group: %v", err)
	}
	go func() {
		for err := range cg.Errors() {
			fmt.Fprintf(os.Stderr, "consumer group error: %v\n", err)
		}
	}()
	h := &handler{seen: map[string]bool{}, want: count, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "consume: %v\n", err)
				time.Sleep(time.Second)
			}
		}
	}()
	select {
	case <-h.done:
	case <-time.After(90 * time.Second):
		fail("only %d of %d messages arrived", len(h.seen), count)
	}
	time.Sleep(500 * time.Millisecond) // one more commit interval for the marked offsets
	cancel()
	if err := cg.Close(); err != nil {
		fail("closing the consumer group: %v", err)
	}
	fmt.Printf("consumed %d\n", len(h.seen))
}
