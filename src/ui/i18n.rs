//! The lab's words in English and Chinese (zh-CN).
//!
//! Contract: every `Text` has both translations (the match is exhaustive, so a missing one
//! does not compile). Chinese uses the standard etcd/Raft terms: 领导者, 跟随者, 候选人,
//! 任期, 日志, 提交, 学习者, 租约, 修订版本. etcdctl's own output stays in English, as the
//! real tool prints it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The language for a BCP 47 tag such as `navigator.language` or a saved choice.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Title,
    Play,
    Pause,
    Speed,
    StepMessage,
    StepTick,
    StepInteresting,
    StepBack,
    Heal,
    CopyLink,
    LinkCopied,
    ExportTrace,
    ExportSvg,
    Kill,
    Restart,
    Isolate,
    Campaign,
    TransferHere,
    Leader,
    Follower,
    Candidate,
    PreCandidate,
    Learner,
    Dead,
    Term,
    Vote,
    Persisted,
    Committed,
    Applied,
    Store,
    Log,
    RaftLog,
    Console,
    Endpoint,
    Settings,
    Nodes,
    Seed,
    PreVote,
    CheckQuorum,
    SnapshotCount,
    NewRun,
    Inspector,
    DropMsg,
    DeliverNow,
    Close,
    Forked,
    Time,
    Shortcuts,
    Language,
    Latency,
    DropRate,
    InFlight,
    Empty,
    PanicTitle,
    Reload,
    BadLink,
    CutLink,
    RestoreLink,
    Snapshot,
    AddLearner,
    Promote,
    Remove,
    Hidden,
    Pending,
    Leases,
    Watch,
    Watches,
    SettingsNote,
}

pub fn t(lang: Lang, text: Text) -> &'static str {
    use Text::*;
    match lang {
        Lang::En => match text {
            Title => "Raft Lab",
            Play => "Play",
            Pause => "Pause",
            Speed => "Speed",
            StepMessage => "Next message",
            StepTick => "Next tick",
            StepInteresting => "Next event",
            StepBack => "Step back",
            Heal => "Heal network",
            CopyLink => "Copy link",
            LinkCopied => "Link copied",
            ExportTrace => "Export trace (JSON)",
            ExportSvg => "Export picture (SVG)",
            Kill => "Kill",
            Restart => "Restart",
            Isolate => "Isolate",
            Campaign => "Campaign now",
            TransferHere => "Transfer leadership here",
            Leader => "leader",
            Follower => "follower",
            Candidate => "candidate",
            PreCandidate => "pre-candidate",
            Learner => "learner",
            Dead => "dead",
            Term => "term",
            Vote => "vote",
            Persisted => "persisted",
            Committed => "committed",
            Applied => "applied",
            Store => "Key-value store",
            Log => "Raft logs",
            RaftLog => "raft-rs log lines",
            Console => "etcdctl console",
            Endpoint => "Endpoint",
            Settings => "Settings",
            Nodes => "Nodes",
            Seed => "Seed",
            PreVote => "Pre-vote",
            CheckQuorum => "Check quorum",
            SnapshotCount => "Snapshot count",
            NewRun => "Start new run",
            Inspector => "Message",
            DropMsg => "Drop",
            DeliverNow => "Deliver now",
            Close => "Close",
            Forked => "You acted in the past: the old future is gone and a new one starts here.",
            Time => "time",
            Shortcuts => "Keyboard shortcuts",
            Language => "中文",
            Latency => "Latency (ms)",
            DropRate => "Drop rate (%)",
            InFlight => "in flight",
            Empty => "(empty)",
            PanicTitle => "The lab hit an internal error",
            Reload => "Reload",
            BadLink => "This link could not be opened",
            CutLink => "Cut",
            RestoreLink => "Restore",
            Snapshot => "snapshot",
            AddLearner => "Add a learner",
            Promote => "Promote",
            Remove => "Remove member",
            Hidden => "Paused while the tab is hidden",
            Pending => "pending: waiting for the cluster",
            Leases => "Leases (time to live)",
            Watch => "watch",
            Watches => "Watches",
            SettingsNote => "Changing a setting starts a new run.",
        },
        Lang::ZhCn => match text {
            Title => "Raft 实验室",
            Play => "播放",
            Pause => "暂停",
            Speed => "速度",
            StepMessage => "下一条消息",
            StepTick => "下一个 tick",
            StepInteresting => "下一个事件",
            StepBack => "后退一步",
            Heal => "恢复网络",
            CopyLink => "复制链接",
            LinkCopied => "链接已复制",
            ExportTrace => "导出轨迹（JSON）",
            ExportSvg => "导出图片（SVG）",
            Kill => "杀死",
            Restart => "重启",
            Isolate => "隔离",
            Campaign => "立即发起选举",
            TransferHere => "把领导权转移到这里",
            Leader => "领导者",
            Follower => "跟随者",
            Candidate => "候选人",
            PreCandidate => "预候选人",
            Learner => "学习者",
            Dead => "已停止",
            Term => "任期",
            Vote => "投票",
            Persisted => "已持久化",
            Committed => "已提交",
            Applied => "已应用",
            Store => "键值存储",
            Log => "Raft 日志",
            RaftLog => "raft-rs 日志行",
            Console => "etcdctl 控制台",
            Endpoint => "端点",
            Settings => "设置",
            Nodes => "节点数",
            Seed => "随机种子",
            PreVote => "预投票",
            CheckQuorum => "法定人数检查",
            SnapshotCount => "快照间隔条目数",
            NewRun => "开始新的运行",
            Inspector => "消息",
            DropMsg => "丢弃",
            DeliverNow => "立即投递",
            Close => "关闭",
            Forked => "你在过去执行了操作：原来的未来已被丢弃，新的未来从这里开始。",
            Time => "时间",
            Shortcuts => "键盘快捷键",
            Language => "English",
            Latency => "延迟（毫秒）",
            DropRate => "丢包率（%）",
            InFlight => "传输中",
            Empty => "（空）",
            PanicTitle => "实验室遇到内部错误",
            Reload => "重新加载",
            BadLink => "无法打开这个链接",
            CutLink => "切断",
            RestoreLink => "恢复",
            Snapshot => "快照",
            AddLearner => "添加学习者",
            Promote => "提升",
            Remove => "移除成员",
            Hidden => "标签页隐藏时已暂停",
            Pending => "等待中：集群尚未应答",
            Leases => "租约（剩余时间）",
            Watch => "监听",
            Watches => "监听（watch）",
            SettingsNote => "修改任何设置都会开始一次新的运行。",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_picks_chinese_for_any_zh_tag() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("zh"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("ZH-tw"), Lang::ZhCn);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn roles_use_the_standard_chinese_terms() {
        assert_eq!(t(Lang::ZhCn, Text::Leader), "领导者");
        assert_eq!(t(Lang::ZhCn, Text::Follower), "跟随者");
        assert_eq!(t(Lang::ZhCn, Text::Candidate), "候选人");
        assert_eq!(t(Lang::ZhCn, Text::Learner), "学习者");
        assert_eq!(t(Lang::ZhCn, Text::Term), "任期");
        assert_eq!(t(Lang::En, Text::Leader), "leader");
    }
}
