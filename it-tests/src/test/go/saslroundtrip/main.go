// saslroundtrip drives confluent-kafka-go 0.11.6 (Debian's package, on the system librdkafka)
// over SASL_SSL: it produces COUNT messages with acks=all, checking every delivery report, then
// consumes them in group GROUP (manual commit) and prints "delivered N" and "consumed N". An
// authentication failure prints "authentication failed: ..." and exits 3; any other failure exits 1.
//
// Usage: saslroundtrip BOOTSTRAP TOPIC GROUP MECHANISM USER PASSWORD CA_PEM COUNT
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

const timeout = 60 * time.Second

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func checkAuthentication(err kafka.Error) {
	if err.Code() == kafka.ErrAuthentication {
		fmt.Printf("authentication failed: %v\n", err)
		os.Exit(3)
	}
}

func security(bootstrap, mechanism, user, password, ca string) kafka.ConfigMap {
	return kafka.ConfigMap{
		"bootstrap.servers": bootstrap,
		"security.protocol": "sasl_ssl",
		"sasl.mechanisms":   mechanism,
		"sasl.username":     user,
		"sasl.password":     password,
		"ssl.ca.location":   ca,
	}
}

func produce(config kafka.ConfigMap, topic string, count int) {
	config["acks"] = "all"
	p, err := kafka.NewProducer(&config)
	if err != nil {
		fail("creating the producer: %v", err)
	}
	defer p.Close()
	for i := 0; i < count; i++ {
		value := []byte(fmt.Sprintf("sasl-%d", i))
		p.ProduceChannel() <- &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic,
			Partition: kafka.PartitionAny}, Value: value}
	}
	delivered := 0
	deadline := time.After(timeout)
	for delivered < count {
		select {
		case e := <-p.Events():
			switch ev := e.(type) {
			case *kafka.Message:
				if ev.TopicPartition.Error != nil {
					if kerr, ok := ev.TopicPartition.Error.(kafka.Error); ok {
						checkAuthentication(kerr)
					}
					fail("delivery report: %v", ev.TopicPartition.Error)
				}
				delivered++
			case kafka.Error:
				checkAuthentication(ev)
				fmt.Fprintf(os.Stderr, "producer error event: %v\n", ev)
			}
		case <-deadline:
			fail("only %d of %d delivery reports arrived", delivered, count)
		}
	}
	fmt.Printf("delivered %d\n", delivered)
}

func consume(config kafka.ConfigMap, topic, group string, count int) {
	config["group.id"] = group
	config["enable.auto.commit"] = false
	config["auto.offset.reset"] = "earliest"
	c, err := kafka.NewConsumer(&config)
	if err != nil {
		fail("creating the consumer: %v", err)
	}
	if err := c.Subscribe(topic, nil); err != nil {
		fail("subscribe: %v", err)
	}
	deadline := time.Now().Add(timeout)
	consumed := 0
	for consumed < count {
		if time.Now().After(deadline) {
			fail("only %d of %d messages arrived", consumed, count)
		}
		_, err := c.ReadMessage(time.Second)
		if err != nil {
			if kerr, ok := err.(kafka.Error); ok {
				checkAuthentication(kerr)
				if kerr.Code() == kafka.ErrTimedOut {
					continue
				}
			}
			fail("read: %v", err)
		}
		consumed++
	}
	if _, err := c.Commit(); err != nil {
		fail("commit: %v", err)
	}
	if err := c.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Printf("consumed %d\n", consumed)
}

func main() {
	if len(os.Args) != 9 {
		fail("usage: saslroundtrip BOOTSTRAP TOPIC GROUP MECHANISM USER PASSWORD CA_PEM COUNT")
	}
	count, err := strconv.Atoi(os.Args[8])
	if err != nil {
		fail("COUNT: %v", err)
	}
	bootstrap, topic, group := os.Args[1], os.Args[2], os.Args[3]
	produce(security(bootstrap, os.Args[4], os.Args[5], os.Args[6], os.Args[7]), topic, count)
	consume(security(bootstrap, os.Args[4], os.Args[5], os.Args[6], os.Args[7]), topic, group, count)
}
