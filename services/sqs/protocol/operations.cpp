#include "services/sqs/protocol/operations.hpp"

#include <array>

namespace localray::sqs::protocol {
namespace {

constexpr std::array kOperations = {
    Operation{"CreateQueue", &ops::create_queue, true},
    Operation{"GetQueueUrl", &ops::get_queue_url, true},
    Operation{"ListQueues", &ops::list_queues, true},
    Operation{"DeleteQueue", &ops::delete_queue, false},
    Operation{"PurgeQueue", &ops::purge_queue, false},
    Operation{"GetQueueAttributes", &ops::get_queue_attributes, true},
    Operation{"SetQueueAttributes", &ops::set_queue_attributes, false},
    Operation{"SendMessage", &ops::send_message, true},
    Operation{"SendMessageBatch", &ops::send_message_batch, true},
    Operation{"ReceiveMessage", &ops::receive_message, true},
    Operation{"DeleteMessage", &ops::delete_message, false},
    Operation{"DeleteMessageBatch", &ops::delete_message_batch, true},
    Operation{"ChangeMessageVisibility", &ops::change_message_visibility, false},
    Operation{"ChangeMessageVisibilityBatch", &ops::change_message_visibility_batch, true},
    Operation{"TagQueue", &ops::tag_queue, false},
    Operation{"UntagQueue", &ops::untag_queue, false},
    Operation{"ListQueueTags", &ops::list_queue_tags, true},
    Operation{"AddPermission", &ops::add_permission, false},
    Operation{"RemovePermission", &ops::remove_permission, false},
    Operation{"ListDeadLetterSourceQueues", &ops::list_dead_letter_source_queues, true},
    Operation{"StartMessageMoveTask", &ops::start_message_move_task, true},
    Operation{"ListMessageMoveTasks", &ops::list_message_move_tasks, true},
    Operation{"CancelMessageMoveTask", &ops::cancel_message_move_task, true},
};

}  // namespace

const Operation* find_operation(std::string_view name) {
  for (const auto& op : kOperations)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace localray::sqs::protocol
