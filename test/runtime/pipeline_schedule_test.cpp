// Pipeline schedules as data: exact action lists for small cases written from the definitions
// (GPipe: all forwards then all backwards in order 0..m-1; 1F1B: min(stages - stage - 1, m)
// warm-up forwards, F/B pairs, cool-down backwards), the shapes and peaks for pp 1..4 and m 1..8,
// and validate_schedules accepting both kinds and rejecting broken lists with the right reason.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "dojo/common/error.hpp"
#include "dojo/runtime/pipeline.hpp"

using namespace dojo::runtime;

namespace {

using Schedule = std::vector<PipelineAction>;
using Schedules = std::vector<Schedule>;

// "rF0 F0 sF0 rB0 B0 sB0" -> actions (the --dry-run notation).
Schedule parse(const std::string& text) {
  Schedule out;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    ActionKind kind{};
    std::size_t digits = 0;
    if (word.rfind("rF", 0) == 0) {
      kind = ActionKind::recv_forward, digits = 2;
    } else if (word.rfind("sF", 0) == 0) {
      kind = ActionKind::send_forward, digits = 2;
    } else if (word.rfind("rB", 0) == 0) {
      kind = ActionKind::recv_backward, digits = 2;
    } else if (word.rfind("sB", 0) == 0) {
      kind = ActionKind::send_backward, digits = 2;
    } else if (word[0] == 'F') {
      kind = ActionKind::forward, digits = 1;
    } else if (word[0] == 'B') {
      kind = ActionKind::backward, digits = 1;
    } else {
      ADD_FAILURE() << "bad action " << word;
    }
    out.push_back({kind, std::stoi(word.substr(digits))});
  }
  return out;
}

Schedules build_all(PipelineScheduleKind kind, int stages, int micro_batches) {
  Schedules out;
  for (int s = 0; s < stages; ++s) out.push_back(build_schedule(kind, s, stages, micro_batches));
  return out;
}

int count(const Schedule& actions, ActionKind kind) {
  int n = 0;
  for (const auto& a : actions) n += a.kind == kind;
  return n;
}

constexpr PipelineScheduleKind kKinds[] = {PipelineScheduleKind::gpipe,
                                           PipelineScheduleKind::one_f_one_b};

}  // namespace

TEST(PipelineSchedule, ParseAndName) {
  for (auto kind : kKinds) EXPECT_EQ(parse_schedule(name(kind)), kind);
  EXPECT_EQ(name(PipelineScheduleKind::gpipe), "gpipe");
  EXPECT_EQ(name(PipelineScheduleKind::one_f_one_b), "1f1b");
  EXPECT_FALSE(parse_schedule("1F1B").has_value());
  EXPECT_FALSE(parse_schedule("").has_value());
}

TEST(PipelineSchedule, OneFOneBFourStagesFourMicroBatches) {
  const Schedules got = build_all(PipelineScheduleKind::one_f_one_b, 4, 4);
  // Stage s: 3 - s warm-up forwards, then F/B pairs, then the remaining backwards.
  EXPECT_EQ(got[0], parse("F0 sF0 F1 sF1 F2 sF2 F3 sF3 rB0 B0 rB1 B1 rB2 B2 rB3 B3"));
  EXPECT_EQ(got[1], parse("rF0 F0 sF0 rF1 F1 sF1 rF2 F2 sF2 rB0 B0 sB0 rF3 F3 sF3 rB1 B1 sB1 "
                          "rB2 B2 sB2 rB3 B3 sB3"));
  EXPECT_EQ(got[2], parse("rF0 F0 sF0 rF1 F1 sF1 rB0 B0 sB0 rF2 F2 sF2 rB1 B1 sB1 rF3 F3 sF3 "
                          "rB2 B2 sB2 rB3 B3 sB3"));
  EXPECT_EQ(got[3], parse("rF0 F0 B0 sB0 rF1 F1 B1 sB1 rF2 F2 B2 sB2 rF3 F3 B3 sB3"));
  EXPECT_EQ(format_schedules(got, false),
            "stage 0: F0 F1 F2 F3 B0 B1 B2 B3\n"
            "stage 1: F0 F1 F2 B0 F3 B1 B2 B3\n"
            "stage 2: F0 F1 B0 F2 B1 F3 B2 B3\n"
            "stage 3: F0 B0 F1 B1 F2 B2 F3 B3\n");
}

TEST(PipelineSchedule, OneFOneBFewerMicroBatchesThanWarmUp) {
  // Stage 0 of 4 wants 3 warm-up forwards but has only 2 micro-batches: it is GPipe.
  EXPECT_EQ(build_schedule(PipelineScheduleKind::one_f_one_b, 0, 4, 2),
            parse("F0 sF0 F1 sF1 rB0 B0 rB1 B1"));
  EXPECT_EQ(build_schedule(PipelineScheduleKind::one_f_one_b, 2, 4, 2),
            parse("rF0 F0 sF0 rF1 F1 sF1 rB0 B0 sB0 rB1 B1 sB1"));
}

TEST(PipelineSchedule, GPipeTwoStagesThreeMicroBatches) {
  const Schedules got = build_all(PipelineScheduleKind::gpipe, 2, 3);
  EXPECT_EQ(got[0], parse("F0 sF0 F1 sF1 F2 sF2 rB0 B0 rB1 B1 rB2 B2"));
  EXPECT_EQ(got[1], parse("rF0 F0 rF1 F1 rF2 F2 B0 sB0 B1 sB1 B2 sB2"));
  EXPECT_EQ(format_schedules(got, true),
            "stage 0: F0 sF0 F1 sF1 F2 sF2 rB0 B0 rB1 B1 rB2 B2\n"
            "stage 1: rF0 F0 rF1 F1 rF2 F2 B0 sB0 B1 sB1 B2 sB2\n");
}

TEST(PipelineSchedule, OneStageHasNoCommunication) {
  EXPECT_EQ(build_schedule(PipelineScheduleKind::one_f_one_b, 0, 1, 3), parse("F0 B0 F1 B1 F2 B2"));
  EXPECT_EQ(build_schedule(PipelineScheduleKind::gpipe, 0, 1, 3), parse("F0 F1 F2 B0 B1 B2"));
}

TEST(PipelineSchedule, ShapesAndPeaksForManySizes) {
  for (auto kind : kKinds) {
    for (int stages = 1; stages <= 4; ++stages) {
      for (int m = 1; m <= 8; ++m) {
        SCOPED_TRACE(dojo::str(name(kind), " stages ", stages, " m ", m));
        const Schedules all = build_all(kind, stages, m);
        EXPECT_EQ(validate_schedules(all), "");
        for (int s = 0; s < stages; ++s) {
          const Schedule& a = all[static_cast<std::size_t>(s)];
          EXPECT_EQ(count(a, ActionKind::forward), m);
          EXPECT_EQ(count(a, ActionKind::backward), m);
          EXPECT_EQ(count(a, ActionKind::recv_forward), s > 0 ? m : 0);
          EXPECT_EQ(count(a, ActionKind::send_backward), s > 0 ? m : 0);
          EXPECT_EQ(count(a, ActionKind::send_forward), s < stages - 1 ? m : 0);
          EXPECT_EQ(count(a, ActionKind::recv_backward), s < stages - 1 ? m : 0);
          const int expected_peak =
              kind == PipelineScheduleKind::gpipe ? m : std::min(stages - s, m);
          EXPECT_EQ(peak_in_flight(a), expected_peak) << "stage " << s;
        }
      }
    }
  }
  // Larger, odd sizes validate too.
  for (auto kind : kKinds)
    for (int stages : {5, 7, 8})
      for (int m : {1, 3, 13, 32}) EXPECT_EQ(validate_schedules(build_all(kind, stages, m)), "");
}

TEST(PipelineSchedule, BadArgumentsAreUserErrors) {
  auto expect_user_error = [](auto&& call) {
    try {
      call();
      ADD_FAILURE() << "no error";
    } catch (const dojo::Error& e) {
      EXPECT_EQ(e.kind(), dojo::ErrorKind::user) << e.message();
    }
  };
  expect_user_error([] { build_schedule(PipelineScheduleKind::gpipe, 2, 2, 4); });
  expect_user_error([] { build_schedule(PipelineScheduleKind::gpipe, 0, 0, 4); });
  expect_user_error([] { build_schedule(PipelineScheduleKind::one_f_one_b, 0, 2, 0); });
  expect_user_error([] {
    build_schedule(PipelineScheduleKind::one_f_one_b, 0, 2, kPipelineMaxMicroBatches + 1);
  });
}

TEST(PipelineSchedule, ValidateRejectsBrokenSchedules) {
  const Schedule good0 = parse("F0 sF0 F1 sF1 rB0 B0 rB1 B1");
  const Schedule good1 = parse("rF0 F0 rF1 F1 B0 sB0 B1 sB1");
  ASSERT_EQ(validate_schedules({good0, good1}), "");

  auto expect_problem = [](const Schedules& s, const std::string& part) {
    const std::string problem = validate_schedules(s);
    EXPECT_NE(problem.find(part), std::string::npos) << "got: '" << problem << "'";
  };
  // A missing receive: stage 1 computes micro 1 on an input it never received.
  expect_problem({good0, parse("rF0 F0 F1 B0 sB0 B1 sB1")},
                 "stage 1 action 2 (F1): forward before its recv_forward");
  // A missing send: stage 0 never sends micro 1's activations.
  expect_problem({parse("F0 sF0 F1 rB0 B0 rB1 B1"), good1},
                 "stage 0 micro-batch 1: no send_forward");
  // A backward before its forward.
  expect_problem({parse("F0 sF0 rB1 B1 F1 sF1 rB0 B0"), good1},
                 "stage 0 action 3 (B1): backward before its forward");
  // A micro-batch missing from one stage.
  expect_problem({good0, parse("rF0 F0 B0 sB0")}, "stage 1 micro-batch 1: no forward");
  // Twice.
  expect_problem({parse("F0 sF0 F0 F1 sF1 rB0 B0 rB1 B1"), good1}, "(F0): forward twice");
  // Communication with a stage that does not exist.
  expect_problem({parse("rF0 F0 sF0 F1 sF1 rB0 B0 rB1 B1"), good1},
                 "stage 0 action 0 (rF0): the first stage has no previous stage");
  expect_problem({good0, parse("rF0 F0 sF0 rF1 F1 B0 sB0 B1 sB1")},
                 "the last stage has no next stage to send to");
  // A deadlocking order: stage 0 waits for micro 0's gradient before sending micro 1, stage 1
  // runs GPipe and waits for micro 1 before any backward.
  expect_problem({parse("F0 sF0 rB0 B0 F1 sF1 rB1 B1"), good1},
                 "deadlock: stage 0 action 2 (rB0) waits; stage 1 action 2 (rF1) waits");
  // The same stage-0 order is fine against a 1F1B last stage.
  EXPECT_EQ(validate_schedules(
                {parse("F0 sF0 rB0 B0 F1 sF1 rB1 B1"), parse("rF0 F0 B0 sB0 rF1 F1 B1 sB1")}),
            "");
  // Three stages where the middle one waits for a gradient before forwarding anything.
  Schedules three = build_all(PipelineScheduleKind::one_f_one_b, 3, 3);
  three[1] = parse("rF0 F0 rB0 sF0 B0 sB0 rF1 F1 sF1 rB1 B1 sB1 rF2 F2 sF2 rB2 B2 sB2");
  expect_problem(three, "deadlock: ");
  EXPECT_EQ(validate_schedules({}), "no stages");
}
