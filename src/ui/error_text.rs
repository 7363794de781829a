//! The errors the browser shows, in the page's language: an action the engine refused, a
//! lab operation that failed, a share link that does not decode, a course command that is
//! not one, a lesson file that does not load, a step the player cannot go back to.
//!
//! Contract: `error_text(Lang::En, e)` is exactly `e.to_string()`, the text the console,
//! the CLI and the tests show, so English never drifts from the typed errors' `Display`.
//! Chinese is written per variant from the values the variant carries, with the terms of
//! `i18n` (领导者, 任期, 日志, 提交, 学习者, 租约, 修订版本, …). What is not ours to
//! translate stays as it is: command words, flags and file names the learner types, and
//! the free text of lower parsers (raft-rs, TOML, base64, postcard, the console grammar,
//! conditions), which a variant only carries. Plain Rust: no browser types, tested
//! natively.

use super::i18n::Lang;
use crate::engine::{ActionError, ConfigError, MAX_NODES};
use crate::lab::course::CommandError;
use crate::lab::share::{DecodeError, MAX_ACTIONS};
use crate::lab::LabError;
use crate::lesson::cond::{CondProblem, Ty};
use crate::lesson::parse::{DurationError, LessonError, LessonProblem, RewindError, VarError};
use crate::store::SnapshotError;

/// An error the page can show in either language.
pub trait ErrorText: std::fmt::Display {
    /// The Chinese (zh-CN) text.
    fn zh(&self) -> String;
}

/// The error's text in `lang`: its `Display` in English, its translation in Chinese.
pub fn error_text<E: ErrorText + ?Sized>(lang: Lang, e: &E) -> String {
    match lang {
        Lang::En => e.to_string(),
        Lang::ZhCn => e.zh(),
    }
}

impl ErrorText for ConfigError {
    fn zh(&self) -> String {
        match self {
            ConfigError::Nodes(n) => format!("节点数必须为 1 到 {MAX_NODES}，实际为 {n}"),
            ConfigError::TickMs(v) => format!("tick_ms 必须为 1 到 60000，实际为 {v}"),
            ConfigError::HeartbeatTick(v) => format!("heartbeat_tick 必须为 1 到 1000，实际为 {v}"),
            ConfigError::ElectionTick { heartbeat_tick, election_tick } => format!(
                "election_tick 必须大于 heartbeat_tick（{heartbeat_tick}）且不超过 10000，实际为 {election_tick}"
            ),
            ConfigError::SnapshotCount => "snapshot_count 至少为 1".into(),
            ConfigError::Latency => "latency_ms 和 jitter_ms 最多为 60000".into(),
            ConfigError::CommandTimeout(v) => format!("command_timeout_ms 必须为 1 到 3600000，实际为 {v}"),
            ConfigError::MaxRequestBytes => "max_request_bytes 至少为 1".into(),
            ConfigError::MaxSizePerMsg => "max_size_per_msg 至少为 1".into(),
        }
    }
}

impl ErrorText for SnapshotError {
    fn zh(&self) -> String {
        match self {
            SnapshotError::BadMagic => "不是 Raft Lab 的存储快照（缺少魔数头）".into(),
            SnapshotError::UnsupportedVersion { found, expected } => {
                format!("不支持存储快照格式版本 {found}（此版本只能读取版本 {expected}）")
            }
            SnapshotError::Corrupt(detail) => format!("存储快照已损坏：{detail}"),
        }
    }
}

impl ErrorText for ActionError {
    fn zh(&self) -> String {
        use ActionError as E;
        match self {
            E::Config(c) => c.zh(),
            E::RaftStart { node, detail } => format!("n{node} 无法启动：{detail}"),
            E::NoSuchSlot(id) => format!("n{id} 不存在"),
            E::UnknownNode(id) => format!("未知节点 n{id}：节点为 n1 到 n{MAX_NODES}"),
            E::NotMember(id) => format!("n{id} 不是本集群的成员"),
            E::Removed(id) => format!("n{id} 已从集群中移除"),
            E::Down(id) => format!("n{id} 已停止；请先重启它"),
            E::RemovedCannotRestart(id) => format!("n{id} 已从集群中移除，无法重启"),
            E::AlreadyRunning(id) => format!("n{id} 已在运行"),
            E::NotVoter(id) => format!("n{id} 不是投票成员，不能发起选举"),
            E::NoLeaderToTransfer => "当前没有领导者，无法转移领导权".into(),
            E::EmptyPartitionGroup => "分区中的分组不能为空".into(),
            E::InTwoPartitionGroups(id) => format!("n{id} 出现在两个分区分组中"),
            E::NoPartitionGroups => "分区至少需要一个分组".into(),
            E::SelfLink(id) => format!("链路连接两个不同的节点，但 n{id} 出现了两次"),
            E::ProbabilityTooHigh => "概率最多为 100%".into(),
            E::LinkDelayTooLong => "链路延迟最多一小时".into(),
            E::NoSuchMessage(id) => format!("没有在途的消息 #{id}"),
            E::MessageDelayTooLong => "消息最多只能延迟一小时".into(),
            E::LatencyTooHigh => "延迟和抖动最多 60 秒".into(),
            E::TickCount => "tick 的次数为 1 到 1000000".into(),
            E::AdvanceTooLong => "一次最多运行 24 小时".into(),
            E::DiskDelayTooLong => "磁盘延迟最多 60 秒".into(),
            E::CompactionInterval => "压缩间隔为 1 秒到 24 小时（kube-apiserver 的默认值为 5 分钟）".into(),
            E::UnknownRequest(id) => format!("没有发出过请求 {id}"),
            E::CommandTimeout => "--command-timeout 必须在 1ms 到 1h 之间".into(),
            E::InternalRequestId { req_id, first_internal } => {
                format!("请求 id {req_id} 属于引擎自身（从 {first_internal} 起的 id 都是）")
            }
            E::RequestIdUsed { req_id, next } => format!("请求 id {req_id} 已被使用（id 从 {next} 起递增）"),
            E::NoSuchWatch(id) => format!("没有正在运行的 watch 或 keep-alive {id}"),
            E::NoSuchFile(path) => format!("打开 {path}：没有这个文件或目录"),
            E::BadSnapshot { path, source } => format!("{path}：{}", source.zh()),
            E::DataDirExists(dir) => format!("数据目录 {dir:?} 已存在"),
            E::EmptyToken => "--initial-cluster-token 不能为空".into(),
            E::InitialClusterRange => format!("实验室的成员为 n1 到 n{MAX_NODES}"),
            E::NotInInitialCluster(id) => format!("在初始集群配置中找不到本地名称 \"n{id}\""),
            E::NoDataDir { node, data_dir } => format!(
                "没有数据目录 {data_dir:?}：请先用 snapshot restore <file> --name n{node} … --data-dir {data_dir} 创建"
            ),
            E::DataDirOfOther { data_dir, member } => {
                format!("{data_dir} 是为 n{member} 恢复的（--name n{member}）；请用它启动 n{member}")
            }
            E::RunningElsewhere(id) => format!("n{id} 正在运行：请先停止它（kill n{id}），再从另一个数据目录启动"),
            E::Replay { number, action, source } => format!("第 {number} 个操作（{action:?}）：{}", source.zh()),
        }
    }
}

impl ErrorText for LabError {
    /// The engine's reason: the page already says which button or link it came from.
    fn zh(&self) -> String {
        self.action_error().zh()
    }
}

impl ErrorText for DecodeError {
    fn zh(&self) -> String {
        match self {
            DecodeError::Base64(e) => format!("链接中的运行记录不是有效的 base64（{e}）"),
            DecodeError::Empty => "链接中的运行记录是空的".into(),
            DecodeError::Damaged(e) => format!("链接中的运行记录已损坏（{e}）；链接是不是被截断了？"),
            DecodeError::UnknownVersion { found } => {
                format!("链接中的运行记录格式版本为 {found}；本实验室只能读取版本 1 和 2")
            }
            DecodeError::Config(c) => format!("链接中的集群设置无效：{}", c.zh()),
            DecodeError::TooManyActions { total } => {
                format!("链接中的运行记录有 {total} 个操作；最多只重放 {MAX_ACTIONS} 个")
            }
        }
    }
}

impl ErrorText for DurationError {
    fn zh(&self) -> String {
        match self {
            DurationError::Malformed(s) => format!("应为时长，例如 500ms、2s 或 1m，实际为 {s:?}"),
            DurationError::TooLong(s) => format!("{s} 超过了课程允许的最长等待时间（1 小时）"),
        }
    }
}

impl ErrorText for VarError {
    fn zh(&self) -> String {
        match self {
            VarError::MemberNotClosed => "$member( 没有闭合：请写成 $member(n4)".into(),
            VarError::MemberArg(s) => format!("$member 的参数应为节点，例如 n4，实际为 {s:?}"),
            VarError::Unknown => "未知变量：课程中的行只能使用 $lease、$member(nK)，或用 $$ 表示 $".into(),
        }
    }
}

/// A condition's value type, as the Chinese texts name it.
fn ty_zh(ty: Ty) -> &'static str {
    match ty {
        Ty::Int => "数字",
        Ty::Str => "文本",
        Ty::Node => "节点",
        Ty::Role => "角色",
        Ty::Bool => "true 或 false",
    }
}

impl ErrorText for CondProblem {
    fn zh(&self) -> String {
        use CondProblem as C;
        const NODES: &str = "n1…n9、leader、a follower、the old leader 或 none";
        match self {
            C::UnterminatedString => "字符串没有结束：请补上右引号 \"".into(),
            C::SingleEquals => "比较请用 ==，而不是 =".into(),
            C::Unexpected(c) => format!("意外的字符 '{c}'"),
            C::NumberTooLarge(n) => format!("数字 {n} 太大"),
            C::ExpectedNode => format!("应为一个节点（{NODES}）"),
            C::NotANode(w) => format!("应为一个节点（{NODES}），实际为 \"{w}\""),
            C::ExpectedValue => "应为一个用于比较的值".into(),
            C::SymbolNotValue(s) => format!("应为一个用于比较的值，实际为 \"{s}\""),
            C::NeedsParens(f) => format!("{f} 需要用括号给出一个节点，例如 {f}(n1)"),
            C::Unclosed(f) => format!("缺少 ) 来闭合 {f}("),
            C::ExpectedKey => "get 之后应为一个键，例如 n3 get x".into(),
            C::ExpectedIndex => "entry 之后应为一个日志索引，例如 n3 entry 7".into(),
            C::ExpectedComparison => "应为一个比较运算符：==、!=、<、<=、>、>= 或 contains".into(),
            C::NotARole(w) => {
                format!("应为一个角色（follower、pre-candidate、candidate、leader、learner 或 dead），实际为 \"{w}\"")
            }
            C::NotABool(w) => format!("应为 true 或 false，实际为 \"{w}\""),
            C::NotANumber(w) => format!("应为一个数字，实际为 \"{w}\""),
            C::ExpectedAnd => "应为 \"and\" 或条件结束".into(),
            C::Mismatch { lhs, rhs } => format!("无法比较{}和{}", ty_zh(*lhs), ty_zh(*rhs)),
            C::OrderNeedsNumbers { op, ty } => format!("{op} 只能比较数字，不能比较{}", ty_zh(*ty)),
            C::ContainsNeedsText(ty) => format!("contains 只能比较文本，不能比较{}", ty_zh(*ty)),
        }
    }
}

impl ErrorText for LessonProblem {
    fn zh(&self) -> String {
        use LessonProblem as P;
        match self {
            P::NoFrontMatter => "缺少前置元数据：文件必须以一行 \"+++\" 开头".into(),
            P::FrontMatterNotClosed => "前置元数据没有结束：请在其后加一行 \"+++\"".into(),
            P::NoSteps => "至少需要一个步骤：一个 \"## \" 标题".into(),
            P::NothingToDo => "课程至少需要一个 predict: 或 your-turn: 步骤，让你动手做点什么".into(),
            P::CodeBlockNotClosed { fence } => format!("代码块没有结束：请加一行 {fence}"),
            P::LabOutsideStep => "lab 代码块必须位于某个步骤内：请在它前面加一个 \"## \" 标题".into(),
            P::FrontMatter(detail) => format!("前置元数据：{detail}"),
            P::BadId(s) => format!("id 只能由小写字母、数字和 - 组成，实际为 {s:?}"),
            P::BadLanguage(s) => format!("language 必须为 \"en\" 或 \"zh\"，实际为 {s:?}"),
            P::BadLevel(s) => format!("level 必须为 \"beginner\"、\"intermediate\" 或 \"advanced\"，实际为 {s:?}"),
            P::EmptyTitle => "title 不能为空".into(),
            P::BadMinutes(m) => format!("minutes 必须为 1 到 240，实际为 {m}"),
            P::Cluster(c) => format!("[cluster]：{}", c.zh()),
            P::BadAnswer(s) => format!("answer: 应为正确选项的序号（1、2、…），实际为 {s:?}"),
            P::OutsidePredict(key) => format!("{key}: 属于 predict: 问题；请把它放在某个 predict: 之后"),
            P::OutsideYourTurn(key) => format!("{key}: 属于 your-turn: 任务；请把它放在某个 your-turn: 之后"),
            P::TooFewOptions => "predict: 之后至少需要两行 option:".into(),
            P::NoAnswer => "predict: 需要一行 answer:，给出正确选项的序号".into(),
            P::AnswerOutOfRange { answer, options } => {
                format!("predict: 答案是第 {answer} 项，但只有 {options} 个选项")
            }
            P::NoGoal => "your-turn: 需要一行 goal:，即你必须达成的条件".into(),
            P::NoSolution => "your-turn: 至少需要一行 solution:，供无界面运行器使用".into(),
            P::Duration(d) => d.zh(),
            P::HintDelay(d) => format!("hint: {}", d.zh()),
            P::Wait(d) => format!("{}（或者：wait until <condition> within <duration>）", d.zh()),
            P::WaitNeedsLimit => "wait until 需要时限：wait until <condition> within <duration>".into(),
            P::BadCondition(c) => format!("条件有误：{}", c.zh()),
            P::NoSuchNodeYet { id, max } => {
                format!("此处还没有 n{id}：此时集群只有 n1 到 n{max}（可用 member add 添加成员）")
            }
            P::BadOnNode(s) => {
                format!("on: 应为一个节点（n1…n9、leader、a follower 或 the old leader），实际为 {s:?}")
            }
            P::Variable(v) => v.zh(),
            P::BadCommand(detail) => format!("未知或错误的命令：{detail}"),
            P::TxnPrompt => {
                "课程无法在 txn 的交互提示中输入：请使用单行形式，txn <compares> then <ops> else <ops>".into()
            }
        }
    }
}

impl ErrorText for LessonError {
    /// The place stays `file:line:col:` as editors read it; only the problem is translated.
    fn zh(&self) -> String {
        format!("{}:{}:{}: {}", self.file, self.line, self.col, self.problem.zh())
    }
}

impl ErrorText for CommandError {
    fn zh(&self) -> String {
        match self {
            CommandError::NotJson(detail) => format!("不是 raftlab 命令：{detail}"),
            CommandError::OtherType(kind) => format!("不是 raftlab 命令：type 为 {kind:?}"),
            CommandError::NoStep => "goto-step 需要 \"step\"：从 1 开始的步骤序号".into(),
            CommandError::NoLesson => "load-lesson 需要 \"id\" 或 \"url\"".into(),
            CommandError::Unknown(cmd) => format!("未知命令 {cmd:?}：应为 goto-step、reset 或 load-lesson"),
        }
    }
}

impl ErrorText for RewindError {
    fn zh(&self) -> String {
        match self {
            RewindError::NotReached(k) => format!("还没有到达第 {k} 步"),
            RewindError::Lab(e) => e.zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Action;

    /// One of every variant (the matches above are exhaustive, so a new variant fails to
    /// compile there; this list makes it also fail here until it has a sample).
    fn action_errors() -> Vec<ActionError> {
        use ActionError as E;
        vec![
            E::Config(ConfigError::TickMs(0)),
            E::RaftStart { node: 2, detail: "raft: bad config".into() },
            E::NoSuchSlot(4),
            E::UnknownNode(12),
            E::NotMember(7),
            E::Removed(3),
            E::Down(2),
            E::RemovedCannotRestart(3),
            E::AlreadyRunning(1),
            E::NotVoter(4),
            E::NoLeaderToTransfer,
            E::EmptyPartitionGroup,
            E::InTwoPartitionGroups(1),
            E::NoPartitionGroups,
            E::SelfLink(2),
            E::ProbabilityTooHigh,
            E::LinkDelayTooLong,
            E::NoSuchMessage(9),
            E::MessageDelayTooLong,
            E::LatencyTooHigh,
            E::TickCount,
            E::AdvanceTooLong,
            E::DiskDelayTooLong,
            E::CompactionInterval,
            E::UnknownRequest(5),
            E::CommandTimeout,
            E::InternalRequestId { req_id: 1 << 62, first_internal: 1 << 62 },
            E::RequestIdUsed { req_id: 3, next: 4 },
            E::NoSuchWatch(8),
            E::NoSuchFile("a.db".into()),
            E::BadSnapshot { path: "a.db".into(), source: SnapshotError::BadMagic },
            E::DataDirExists("d".into()),
            E::EmptyToken,
            E::InitialClusterRange,
            E::NotInInitialCluster(4),
            E::NoDataDir { node: 2, data_dir: "d".into() },
            E::DataDirOfOther { data_dir: "d".into(), member: 3 },
            E::RunningElsewhere(2),
            E::Replay { number: 2, action: Box::new(Action::Kill(7)), source: Box::new(E::NotMember(7)) },
        ]
    }

    fn lesson_problems() -> Vec<LessonProblem> {
        use LessonProblem as P;
        vec![
            P::NoFrontMatter,
            P::FrontMatterNotClosed,
            P::NoSteps,
            P::NothingToDo,
            P::CodeBlockNotClosed { fence: "```".into() },
            P::LabOutsideStep,
            P::FrontMatter("missing field `id`".into()),
            P::BadId("A".into()),
            P::BadLanguage("fr".into()),
            P::BadLevel("easy".into()),
            P::EmptyTitle,
            P::BadMinutes(0),
            P::Cluster(ConfigError::Nodes(10)),
            P::BadAnswer("x".into()),
            P::OutsidePredict("option".into()),
            P::OutsideYourTurn("goal".into()),
            P::TooFewOptions,
            P::NoAnswer,
            P::AnswerOutOfRange { answer: 5, options: 2 },
            P::NoGoal,
            P::NoSolution,
            P::Duration(DurationError::Malformed("1 second".into())),
            P::HintDelay(DurationError::TooLong("2h".into())),
            P::Wait(DurationError::Malformed("x".into())),
            P::WaitNeedsLimit,
            P::BadCondition(CondProblem::SingleEquals),
            P::NoSuchNodeYet { id: 5, max: 3 },
            P::BadOnNode("n0".into()),
            P::Variable(VarError::MemberNotClosed),
            P::Variable(VarError::MemberArg("x".into())),
            P::Variable(VarError::Unknown),
            P::BadCommand("Error: unknown command \"x\" for \"etcdctl\"".into()),
            P::TxnPrompt,
        ]
    }

    fn decode_errors() -> Vec<DecodeError> {
        vec![
            crate::lab::share::decode("#run=@@@").unwrap_err(),
            DecodeError::Empty,
            DecodeError::Damaged(postcard::Error::DeserializeUnexpectedEnd),
            DecodeError::UnknownVersion { found: 9 },
            DecodeError::Config(ConfigError::Latency),
            DecodeError::TooManyActions { total: 2_000_000 },
        ]
    }

    fn has_chinese(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every variant: English is the Display text, Chinese is a different text in Chinese.
    fn check_all<E: ErrorText>(errors: &[E]) {
        for e in errors {
            assert_eq!(error_text(Lang::En, e), e.to_string());
            let zh = error_text(Lang::ZhCn, e);
            assert!(has_chinese(&zh) && zh != e.to_string(), "{e} has no Chinese text: {zh}");
        }
    }

    #[test]
    fn english_is_the_display_text_and_every_variant_has_chinese() {
        check_all(&action_errors());
        check_all(&lesson_problems());
        check_all(&decode_errors());
        check_all(&[
            CondProblem::UnterminatedString,
            CondProblem::SingleEquals,
            CondProblem::Unexpected('%'),
            CondProblem::NumberTooLarge("99999999999999999999".into()),
            CondProblem::ExpectedNode,
            CondProblem::NotANode("x".into()),
            CondProblem::ExpectedValue,
            CondProblem::SymbolNotValue("(".into()),
            CondProblem::NeedsParens("term".into()),
            CondProblem::Unclosed("term".into()),
            CondProblem::ExpectedKey,
            CondProblem::ExpectedIndex,
            CondProblem::ExpectedComparison,
            CondProblem::NotARole("boss".into()),
            CondProblem::NotABool("yes".into()),
            CondProblem::NotANumber("x".into()),
            CondProblem::ExpectedAnd,
            CondProblem::Mismatch { lhs: Ty::Int, rhs: Ty::Str },
            CondProblem::OrderNeedsNumbers { op: "<", ty: Ty::Node },
            CondProblem::ContainsNeedsText(Ty::Role),
        ]);
        let configs = [
            ConfigError::Nodes(0),
            ConfigError::TickMs(0),
            ConfigError::HeartbeatTick(0),
            ConfigError::ElectionTick { heartbeat_tick: 5, election_tick: 5 },
            ConfigError::SnapshotCount,
            ConfigError::Latency,
            ConfigError::CommandTimeout(0),
            ConfigError::MaxRequestBytes,
            ConfigError::MaxSizePerMsg,
        ];
        check_all(&configs);
        check_all(&[
            CommandError::NotJson("expected value at line 1 column 1".into()),
            CommandError::OtherType("other".into()),
            CommandError::NoStep,
            CommandError::NoLesson,
            CommandError::Unknown("explode".into()),
        ]);
        check_all(&[RewindError::NotReached(3), RewindError::Lab(LabError::Action(ActionError::TickCount))]);
        check_all(&[
            LabError::Start(ActionError::EmptyToken),
            LabError::Replay(ActionError::Down(2)),
            LabError::Action(ActionError::NotVoter(4)),
            LabError::Rewind(ActionError::AdvanceTooLong),
        ]);
    }

    #[test]
    fn chinese_uses_the_projects_terms_and_keeps_what_the_learner_types() {
        let zh = |e: &ActionError| error_text(Lang::ZhCn, e);
        assert_eq!(zh(&ActionError::NoLeaderToTransfer), "当前没有领导者，无法转移领导权");
        assert_eq!(zh(&ActionError::Down(2)), "n2 已停止；请先重启它");
        assert_eq!(zh(&ActionError::CommandTimeout), "--command-timeout 必须在 1ms 到 1h 之间");
        assert_eq!(
            zh(&ActionError::Replay {
                number: 2,
                action: Box::new(Action::Kill(7)),
                source: Box::new(ActionError::NotMember(7))
            }),
            "第 2 个操作（Kill(7)）：n7 不是本集群的成员"
        );
        assert_eq!(
            error_text(Lang::ZhCn, &LabError::Start(ActionError::Config(ConfigError::Nodes(12)))),
            "节点数必须为 1 到 9，实际为 12"
        );
        assert_eq!(
            error_text(Lang::ZhCn, &DecodeError::UnknownVersion { found: 9 }),
            "链接中的运行记录格式版本为 9；本实验室只能读取版本 1 和 2"
        );
    }

    #[test]
    fn a_lesson_error_keeps_its_place_and_translates_its_problem() {
        let e = crate::lesson::parse("bad.md", "hello").unwrap_err().remove(0);
        assert_eq!(
            error_text(Lang::En, &e),
            "bad.md:1:1: expected front matter: the file must start with a line \"+++\""
        );
        assert_eq!(error_text(Lang::ZhCn, &e), "bad.md:1:1: 缺少前置元数据：文件必须以一行 \"+++\" 开头");
        let e = LessonError {
            file: "t.md".into(),
            line: 4,
            col: 2,
            problem: LessonProblem::NoSuchNodeYet { id: 5, max: 3 },
        };
        assert_eq!(
            error_text(Lang::ZhCn, &e),
            "t.md:4:2: 此处还没有 n5：此时集群只有 n1 到 n3（可用 member add 添加成员）"
        );
    }
}
