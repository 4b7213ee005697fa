"""confluent-kafka-python (Debian's python3-confluent-kafka on librdkafka 2.0.2, a client of
transactions version 1) as a transactional producer: commits a transaction, aborts one, commits
another; then a read_committed consumer reads the topic to its end.

Usage: confluent_transactions.py BOOTSTRAP TOPIC TRANSACTIONAL_ID
Prints one "value <v>" line per record the read_committed consumer sees, in offset order.
"""
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

bootstrap, topic, transactional_id = sys.argv[1], sys.argv[2], sys.argv[3]
producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id})
producer.init_transactions(30)
for name, commit in (('committed', True), ('aborted', False), ('later', True)):
    producer.begin_transaction()
    for i in range(3):
        producer.produce(topic, value=('%s-%d' % (name, i)).encode(), partition=0)
    producer.flush(30)
    if commit:
        producer.commit_transaction(30)
    else:
        producer.abort_transaction(30)

consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': transactional_id + '-reader',
                     'isolation.level': 'read_committed', 'auto.offset.reset': 'earliest',
                     'enable.auto.commit': False, 'enable.partition.eof': True})
consumer.assign([TopicPartition(topic, 0, 0)])
deadline = time.time() + 60
values = []
while time.time() < deadline:
    message = consumer.poll(1.0)
    if message is None:
        continue
    if message.error():
        if message.error().code() == -191:  # _PARTITION_EOF: read up to the last stable offset
            break
        raise KafkaException(message.error())
    values.append(message.value().decode())
consumer.close()
for v in values:
    print("value %s" % v)
