"""Creates the claims pipeline's topics. Usage: python3 create_topics.py BOOTSTRAP [REPLICAS]
(3 replicas on a production cluster; 1 on a single-broker one)."""
import sys

from confluent_kafka.admin import AdminClient, NewTopic

bootstrap = sys.argv[1]
replicas = int(sys.argv[2]) if len(sys.argv) > 2 else 1
names = ["claims", "claims.predictions", "claims.dlq", "claims.drift",
         "claims.labels", "claims.performance", "claims.training"]
admin = AdminClient({"bootstrap.servers": bootstrap})
for name, created in admin.create_topics(
        [NewTopic(n, num_partitions=3, replication_factor=replicas) for n in names]).items():
    created.result()
    print("created", name)
