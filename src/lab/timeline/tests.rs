//! The lab timeline: rewind, resume and checkpoint behaviour, and the console lines a
//! share link carries.

mod rewind {
    use super::super::*;

    fn lab() -> Lab {
        let mut lab = Lab::new(ClusterConfig { nodes: 5, seed: 7, ..ClusterConfig::default() }).unwrap();
        for _ in 0..60 {
            lab.play(PLAY_SLICE_MS);
        }
        lab
    }

    #[test]
    fn a_second_lock_shows_as_pending_until_the_first_is_cancelled() {
        let mut lab = lab();
        assert_eq!(lab.console("lock jobs"), "");
        assert_eq!(lab.pending(), 1, "the first lock is pending until it holds");
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0);
        let first = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert!(first.starts_with("jobs/") && first.ends_with("\n\n"), "the holder prints its key: {first:?}");
        assert_eq!(lab.console("lock jobs --endpoints=n2"), "");
        lab.play(PLAY_SLICE_MS * 20);
        assert_eq!(lab.pending(), 1, "the second lock waits while the first holds");
        let holder = lab.session().streams()[0];
        lab.console(&format!("cancel {holder}"));
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0, "the second lock holds once the first unlocked");
        let second = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert!(second.starts_with("jobs/") && second != first, "the second holder prints its own key: {second:?}");
    }

    #[test]
    fn playing_elects_a_leader_and_a_put_reaches_every_store() {
        let mut lab = lab();
        let leader = lab.session().cluster().leader().expect("a leader after 3 s");
        assert_eq!(lab.console("put x 1"), "", "a put is pending until it commits");
        assert_eq!(lab.pending(), 1);
        lab.play(PLAY_SLICE_MS * 4);
        assert_eq!(lab.pending(), 0);
        assert_eq!(lab.transcript.last().map(|s| s.out.as_str()), Some("OK\n"));
        for id in 1..=5 {
            let v = lab.session().cluster().node_view(id).unwrap();
            assert_eq!(v.kvs.len(), 1, "n{id} has x (leader n{leader})");
            assert_eq!((v.kvs[0].key.as_slice(), v.kvs[0].value.as_slice()), (&b"x"[..], &b"1"[..]));
        }
    }

    #[test]
    fn step_back_then_forward_gives_the_same_picture() {
        let mut lab = lab();
        let end = lab.session().cluster().view();
        lab.step_back(1_000).unwrap();
        assert_eq!(lab.now_ms(), end.now_ms - 1_000);
        assert!(lab.can_step_forward_in_kept_future());
        for _ in 0..20 {
            lab.play(PLAY_SLICE_MS);
        }
        assert!(!lab.can_step_forward_in_kept_future());
        assert_eq!(lab.session().cluster().view(), end);
        assert!(!lab.forked);
    }

    #[test]
    fn the_scrubber_seeks_back_and_forth_within_the_run() {
        let mut lab = lab();
        let end = lab.session().cluster().view();
        lab.seek(1_234).unwrap();
        assert_eq!((lab.now_ms(), lab.end_ms()), (1_234, end.now_ms));
        lab.seek(2_000).unwrap();
        assert_eq!(lab.now_ms(), 2_000);
        lab.seek(end.now_ms).unwrap();
        assert_eq!(lab.session().cluster().view(), end);
        assert!(!lab.can_step_forward_in_kept_future());
    }

    #[test]
    fn next_message_stops_at_a_delivery_and_next_event_at_a_role_change() {
        let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 3, ..ClusterConfig::default() }).unwrap();
        let from = lab.session().cluster().trace().len();
        lab.step(StepKind::Interesting);
        let events: Vec<_> = lab.session().cluster().trace().since(from).iter().map(|r| r.event.clone()).collect();
        assert!(events.iter().any(|e| matches!(e, TraceEvent::RoleChanged { .. })));
        let from = lab.session().cluster().trace().len();
        lab.step(StepKind::Message);
        let delivered = lab
            .session()
            .cluster()
            .trace()
            .since(from)
            .iter()
            .filter(|r| matches!(r.event, TraceEvent::MessageDelivered { .. }))
            .count();
        assert_eq!(delivered, 1, "exactly one message delivered");
    }

    #[test]
    fn acting_in_the_past_forks_the_future() {
        let mut lab = lab();
        let end = lab.now_ms();
        lab.step_back(1_000).unwrap();
        lab.act(Action::Kill(1)).unwrap();
        assert!(lab.forked);
        assert!(!lab.can_step_forward_in_kept_future());
        assert_eq!(lab.now_ms(), end - 1_000);
        assert!(!lab.session().cluster().is_alive(1));
    }

    /// A lab 40 s into a run with writes, its checkpoint caught up (30 s in).
    fn busy_lab() -> Lab {
        let mut lab = lab();
        for i in 0..370 {
            if i % 10 == 0 {
                lab.console(&format!("put k{} v{i}", i % 7));
            }
            lab.play(PLAY_SLICE_MS * 2);
        }
        lab.settle();
        lab
    }

    #[test]
    fn the_checkpoint_trails_the_present_by_the_lag() {
        let lab = busy_lab();
        let cp = lab.checkpoint.as_ref().expect("settle builds the checkpoint");
        assert_eq!(lab.now_ms(), 40_000);
        // Play slices are 100 ms here, so the last whole action before the lag ends at 30 s.
        assert_eq!(cp.cluster.now_ms(), 40_000 - CHECKPOINT_LAG_MS);
        assert_eq!(cp.cluster.trace().mode(), TraceMode::HashOnly, "the checkpoint keeps no records");
    }

    #[test]
    fn a_step_back_from_the_checkpoint_equals_a_replay_from_the_start() {
        let mut lab = busy_lab();
        let run = lab.run();
        let present_view = lab.session().cluster().view();
        lab.step_back(150).unwrap();
        let replayed = run.replay_to(40_000 - 150, TraceMode::Full).unwrap();
        let back = lab.session().cluster();
        assert_eq!(back.now_ms(), 39_850);
        assert_eq!(back.trace_hash(), replayed.trace_hash());
        assert_eq!(back.view(), replayed.view());
        // The adopted records are the replay's own, up to the last one.
        assert_eq!(back.trace().len(), replayed.trace().len());
        assert_eq!(back.trace().records().last(), replayed.trace().records().last());
        // A second step back has no checkpoint at hand (it was used): from the start, same.
        assert!(lab.checkpoint.is_none());
        lab.step_back(5_000).unwrap();
        assert_eq!(lab.session().cluster().view(), run.replay_to(34_850, TraceMode::Full).unwrap().view());
        // Forward to the end again: the very states of the run we left.
        lab.seek(40_000).unwrap();
        assert_eq!(lab.session().cluster().view(), present_view);
        assert!(!lab.can_step_forward_in_kept_future());
    }

    #[test]
    fn playing_after_a_step_back_goes_on_from_the_present_through_the_runs_states() {
        let mut lab = busy_lab();
        let run = lab.run();
        let end = lab.session().cluster().view();
        lab.step_back(4_975).unwrap();
        let mut slices = 0;
        while lab.can_step_forward_in_kept_future() {
            let before = lab.session().cluster().actions().len();
            lab.play(PLAY_SLICE_MS);
            slices += 1;
            // Each slice adds a few actions to the present; nothing is replayed from 0.
            assert!(lab.session().cluster().actions().len() - before <= 3, "slice {slices}");
            if slices % 40 == 0 {
                let t = lab.now_ms();
                assert_eq!(
                    lab.session().cluster().view(),
                    run.replay_to(t, TraceMode::Full).unwrap().view(),
                    "at {t} ms"
                );
            }
        }
        assert_eq!(slices, 100, "4,975 ms in 50 ms slices");
        assert_eq!(lab.session().cluster().view(), end);
        assert_eq!(lab.run(), run, "the present's action list is the run's own again");
    }

    #[test]
    fn a_step_back_past_the_checkpoint_replays_from_the_start() {
        let mut lab = busy_lab();
        let run = lab.run();
        lab.step_back(20_000).unwrap();
        assert_eq!(lab.session().cluster().view(), run.replay_to(20_000, TraceMode::Full).unwrap().view());
        assert_eq!(lab.session().cluster().trace_hash(), run.replay_to(20_000, TraceMode::Full).unwrap().trace_hash());
    }

    #[test]
    fn after_a_fork_the_checkpoint_follows_the_new_present() {
        let mut lab = busy_lab();
        lab.step_back(1_000).unwrap();
        lab.act(Action::Kill(3)).unwrap();
        for _ in 0..100 {
            lab.play(PLAY_SLICE_MS);
        }
        lab.settle();
        let run = lab.run();
        let t = lab.now_ms() - 300;
        lab.step_back(300).unwrap();
        assert_eq!(lab.session().cluster().trace_hash(), run.replay_to(t, TraceMode::Full).unwrap().trace_hash());
        assert!(!lab.session().cluster().is_alive(3));
    }

    #[test]
    fn a_shared_run_opens_at_the_same_hash() {
        let mut lab = lab();
        lab.act(Action::Kill(2)).unwrap();
        lab.play(PLAY_SLICE_MS * 10);
        let link = crate::lab::share::encode(&lab.run());
        let run = crate::lab::share::decode(&link).unwrap().unwrap();
        let other = Lab::from_run(&run).unwrap();
        assert_eq!(other.session().cluster().trace_hash(), lab.session().cluster().trace_hash());
    }
}

mod share_console {
    use super::super::*;

    /// Runs `line` in the blocking console and in the lab (playing until it is answered),
    /// and checks both print the same.
    fn same_both_ways(blocking: &mut Session, lab: &mut Lab, line: &str) {
        let want = blocking.run_line(line).combined();
        lab.console(line);
        for _ in 0..200 {
            if lab.pending() == 0 {
                break;
            }
            lab.play(PLAY_SLICE_MS);
        }
        let got = lab.transcript.last().map(|s| s.out.clone()).unwrap_or_default();
        assert_eq!(got, want, "{line}");
    }

    /// A request started without waiting prints, once answered, what the blocking console
    /// prints for the same line.
    #[test]
    fn pending_requests_print_what_the_blocking_console_prints() {
        let cfg = ClusterConfig { nodes: 3, seed: 5, ..ClusterConfig::default() };
        let mut blocking = Session::new(cfg.clone()).unwrap();
        blocking.apply(Action::Advance(3_000)).unwrap();
        let mut lab = Lab::new(cfg).unwrap();
        lab.play(3_000);
        for line in [
            "put x 1",
            "get x",
            r#"txn 'value("x") = "1"' then 'put x 2' else 'put x 0'"#,
            "get x -w json",
            "del x",
            "compaction 3",
            "lease revoke 1234",
            // The leader is too new for a member change: "unhealthy cluster", both ways.
            "member add n4 --learner",
        ] {
            same_both_ways(&mut blocking, &mut lab, line);
        }
        assert!(lab.transcript.iter().any(|s| s.out.contains("SUCCESS")), "the txn ran");
        // Once the cluster is settled: add a learner, let it catch up, promote it, remove it.
        blocking.apply(Action::Advance(3_000)).unwrap();
        lab.play(3_000);
        same_both_ways(&mut blocking, &mut lab, "member add n4 --learner");
        // The operator starts the new member's process (etcd with `existing`).
        same_both_ways(&mut blocking, &mut lab, "start n4");
        blocking.apply(Action::Advance(3_000)).unwrap();
        lab.play(3_000);
        let id = blocking.cluster().node_view(4).expect("n4 was added").member_id;
        assert_eq!(lab.session().cluster().node_view(4).unwrap().member_id, id);
        same_both_ways(&mut blocking, &mut lab, &format!("member promote {id:x}"));
        same_both_ways(&mut blocking, &mut lab, &format!("member remove {id:x} -w json"));
        let outs: Vec<&str> = lab.transcript.iter().rev().take(4).map(|s| s.out.as_str()).collect();
        assert!(outs[3].starts_with("Member ") && outs[3].contains(" added to cluster "), "{}", outs[3]);
        assert!(outs[1].contains(" promoted in cluster "), "{}", outs[1]);
        assert!(outs[0].starts_with("{\"header\""), "{}", outs[0]);
    }

    #[test]
    fn console_lines_replay_from_a_share_link() {
        let cfg = ClusterConfig { nodes: 5, seed: 1, latency_ms: 30, jitter_ms: 20, ..ClusterConfig::default() };
        let mut lab = Lab::new(cfg).unwrap();
        for i in 0..40 {
            lab.play(1581 + (i % 2));
        }
        let leader = lab.session().cluster().leader().unwrap();
        lab.console(&format!("kill n{leader}"));
        lab.console("put shared yes");
        lab.play(1581);
        let link = crate::lab::share::encode(&lab.run());
        let run = crate::lab::share::decode(&link).unwrap().unwrap();
        let other = Lab::from_run(&run).unwrap();
        assert_eq!(other.session().cluster().trace_hash(), lab.session().cluster().trace_hash());
    }
}

mod errors {
    use super::super::*;

    #[test]
    fn each_operation_says_which_it_was_and_keeps_the_engines_text() {
        let e = Lab::new(ClusterConfig::with_nodes(0, 1)).err().unwrap();
        assert_eq!(e, LabError::Start(ActionError::Config(crate::engine::ConfigError::Nodes(0))));
        assert_eq!(e.to_string(), "nodes must be 1 to 9, got 0");

        let mut lab = Lab::new(ClusterConfig::with_nodes(3, 1)).unwrap();
        let e = lab.act(Action::Tick(0)).unwrap_err();
        assert_eq!(e, LabError::Action(ActionError::TickCount));
        assert_eq!(e.to_string(), "tick takes 1 to 1000000 ticks");
        assert_eq!(e.action_error(), &ActionError::TickCount);

        let run = Run { config: ClusterConfig::with_nodes(3, 1), actions: vec![Action::Heal, Action::Restart(1)] };
        let e = Lab::from_run(&run).err().unwrap();
        assert!(
            matches!(&e, LabError::Replay(ActionError::Replay { number: 2, source, .. })
                if **source == ActionError::AlreadyRunning(1)),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "action 2 (Restart(1)): n1 is already running");
    }
}

mod safety {
    //! The safety check runs after everything the lab applies, survives time travel without
    //! false alarms, and keeps the first violation with when and after what it was found.
    use super::super::*;
    use crate::engine::invariants::Property;
    use crate::lab::safety::After;

    fn term_of(lab: &Lab, id: u64) -> u64 {
        lab.session().cluster().node_view(id).unwrap().term
    }

    #[test]
    fn rewinding_past_an_election_and_playing_another_future_raises_no_alarm() {
        let mut lab = Lab::new(ClusterConfig { nodes: 5, seed: 7, ..ClusterConfig::default() }).unwrap();
        for _ in 0..60 {
            lab.play(PLAY_SLICE_MS);
        }
        let (fork_at, old) = (lab.now_ms(), lab.session().cluster().leader().unwrap());
        // The first future: the leader dies and another member leads the next term.
        lab.console(&format!("kill n{old}"));
        for _ in 0..80 {
            lab.play(PLAY_SLICE_MS);
        }
        let abandoned = lab.session().cluster().leader().unwrap();
        let abandoned_term = term_of(&lab, abandoned);
        // Back before the kill (a seek, then a step back within it), and a different future:
        // the old leader and its successor cut off, so a third member leads that same term.
        lab.seek(fork_at + 500).unwrap();
        lab.step_back(500).unwrap();
        assert_eq!(lab.now_ms(), fork_at);
        let rest: Vec<String> = (1..=5).filter(|&n| n != old && n != abandoned).map(|n| format!("n{n}")).collect();
        lab.console(&format!("partition n{old},n{abandoned} {}", rest.join(",")));
        assert!(lab.forked, "acting after the rewind dropped the first future");
        let checks = lab.safety().checks;
        for _ in 0..80 {
            lab.play(PLAY_SLICE_MS);
        }
        let fresh = lab.session().cluster().leader().unwrap();
        assert!(fresh != abandoned && term_of(&lab, fresh) == abandoned_term, "the same term, another leader");
        assert_eq!(lab.safety().found, None, "no false alarm");
        assert_eq!(lab.safety().checks, checks + 80, "one check per slice played");
    }

    #[test]
    fn a_violation_is_kept_with_its_property_time_and_event_and_outlives_a_rewind() {
        let mut lab = Lab::new(ClusterConfig { nodes: 3, seed: 3, ..ClusterConfig::default() }).unwrap();
        for _ in 0..60 {
            lab.play(PLAY_SLICE_MS);
        }
        assert!(Property::ALL.iter().all(|&p| lab.safety().holds(p)));
        let leader = lab.session().cluster().leader().unwrap();
        let term = term_of(&lab, leader);
        let other = (1..=3).find(|&n| n != leader).unwrap();
        // A bug, forged: a second member believes it leads the same term.
        {
            let raft = &mut lab.session.cluster_mut().nodes.get_mut(&other).unwrap().live.as_mut().unwrap().raw.raft;
            raft.state = raft::StateRole::Leader;
        }
        let at = lab.now_ms();
        lab.console("get x");
        let found = lab.safety().found.clone().expect("found after the console line");
        assert_eq!((found.property, found.invariant), (Property::ElectionSafety, "election safety"));
        assert_eq!(found.detail, format!("n{leader} and n{other} both led term {term}"));
        assert_eq!((found.at_ms, &found.after), (at, &After::Console("get x".into())));
        assert!(!lab.safety().holds(Property::ElectionSafety) && lab.safety().holds(Property::LogMatching));
        let checks = lab.safety().checks;
        lab.play(PLAY_SLICE_MS);
        lab.step_back(1_000).unwrap();
        assert_eq!(lab.safety().found.as_ref(), Some(&found), "the first violation stays");
        assert_eq!(lab.safety().checks, checks, "checking stopped at the violation");
    }
}
