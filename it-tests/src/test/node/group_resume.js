// kafkajs in a consumer group: consume COUNT records, commit after the last one, exit. Run twice:
// the second run must start exactly after the first run's commit.
// Usage: node group_resume.js BOOTSTRAP TOPIC GROUP COUNT
// Prints "first <offset>", "last <offset>", then "committed <offset>" as Admin.fetchOffsets reads it.
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, topic, group, countArg] = process.argv.slice(2)
const count = Number(countArg)
const kafka = new Kafka({ clientId: 'skein-it-kafkajs', brokers: [bootstrap], logLevel: logLevel.NOTHING })

async function main () {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 1000 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('only ' + seen.length + ' records')), 30000)
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (seen.length >= count) return
        seen.push(Number(message.offset))
        if (seen.length === count) {
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }])
          clearTimeout(timer)
          resolve()
        }
      }
    }).catch(reject)
  })
  await consumer.disconnect()
  const admin = kafka.admin()
  await admin.connect()
  const offsets = await admin.fetchOffsets({ groupId: group, topics: [topic] })
  await admin.disconnect()
  console.log('first ' + seen[0])
  console.log('last ' + seen[seen.length - 1])
  console.log('committed ' + offsets[0].partitions[0].offset)
}

main().then(() => process.exit(0)).catch(e => { console.error(e); process.exit(1) })
