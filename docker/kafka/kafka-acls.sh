#!/bin/bash
# The ACL tool, at the path the apache/kafka image has it.
exec java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/bin/log4j2.properties \
  -cp "/opt/kafka/libs/*" org.apache.kafka.tools.AclCommand "$@"
