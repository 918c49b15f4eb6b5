#!/usr/bin/env python3
"""A CDK app in Python that uses OrdersWorkflow the way a Python team would.

`pip install -r requirements.txt`, `npm install --prefix processor` (the processor's runtime and
esbuild), then `cdk synth` (cdk.json runs this file). The repository's tests type-check this
file with pyright against the jsii-generated bindings (`npx projen test:python`), so a renamed
or retyped prop breaks the build, not a user.

The business step is JavaScript (processor/index.mjs, next to this file): the worker is a
Node.js Lambda function, and Node.js is on a CDK user's machine already (the CDK CLI needs it).
"""
import os

from aws_cdk import App, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_orders_workflow import OrderProcessor, OrdersApiAuthorization, OrdersWorkflow

PROCESSOR_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "processor")


class OrdersStack(Stack):
    """The orders pipeline with our own processor, a queue of processed orders, and a pager for alarms."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)

        pager = sns.Topic(self, "Pager", display_name="Orders pager")
        checkout = iam.Role(self, "Checkout", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))

        self.orders = OrdersWorkflow(
            self,
            "Orders",
            name_prefix="orders",
            event_source="myapp.orders",
            batch_size=5,
            max_receive_count=5,
            worker_timeout=Duration.seconds(30),
            # At least 6x the worker timeout plus the batching window, or synth fails.
            visibility_timeout=Duration.seconds(180),
            max_batching_window=Duration.seconds(0),
            event_idempotency_window=Duration.days(7),
            architecture=lambda_.Architecture.ARM_64,
            runtime=lambda_.Runtime.NODEJS_22_X,
            memory_size=256,
            log_retention=logs.RetentionDays.TWO_WEEKS,
            data_removal_policy=RemovalPolicy.DESTROY,
            transient_removal_policy=RemovalPolicy.DESTROY,
            cors_allow_origins=["https://app.example.com"],
            # SigV4 only: callers need execute-api:Invoke (grant_invoke below).
            authorization=OrdersApiAuthorization.iam(),
            failure_injection=False,
            # Bundled at synth by aws-lambda-nodejs with esbuild (cdk.json puts
            # processor/node_modules/.bin on the PATH); the lock file marks the processor's project.
            processor=OrderProcessor.from_entry(
                os.path.join(PROCESSOR_DIR, "index.mjs"),
                deps_lock_file_path=os.path.join(PROCESSOR_DIR, "package-lock.json"),
                environment={"POINTS_PER_ITEM": "10"},
            ),
            queue_age_alarm_threshold=Duration.minutes(5),
            alarm_actions=[cw_actions.SnsAction(pager)],
        )

        self.orders.grant_invoke(checkout)

        # Every processed order (with the processor's result) also lands in this queue; publication
        # is at least once, so its reader deduplicates on detail.outcomeId.
        processed_dlq = sqs.Queue(self, "ProcessedOrdersDlq", encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)
        processed = sqs.Queue(
            self,
            "ProcessedOrders",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(queue=processed_dlq, max_receive_count=5),
        )
        self.orders.on_order_processed(
            "ProcessedToQueue",
            description="Processed orders to the ProcessedOrders queue",
            target=targets.SqsQueue(processed, dead_letter_queue=processed_dlq),
        )

        # Typed attributes of the construct, snake_case like every jsii property.
        CfnOutput(self, "OrdersUrl", value=f"{self.orders.api_endpoint}orders")
        CfnOutput(self, "DeadLetterQueueUrl", value=self.orders.dead_letter_queue.queue_url)
        CfnOutput(self, "IdempotencyTableName", value=self.orders.idempotency_table.table_name)
        CfnOutput(self, "ProcessedOrdersQueueUrl", value=processed.queue_url)
        for alarm in self.orders.alarms:
            alarm.add_ok_action(cw_actions.SnsAction(pager))


app = App()
OrdersStack(app, "OrdersPythonExample")
app.synth()
