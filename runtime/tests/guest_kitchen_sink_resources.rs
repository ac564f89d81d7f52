//! The kitchen-sink guest through the dynamic API, continued from
//! `guest_kitchen_sink.rs`: the guest calling host functions (strings,
//! results lowered into its memory, a trapping host function), the host's
//! `tally` resource made, lent, moved and destroyed, and the guest's own
//! resources from construction to destruction.

mod common;

use common::dynamic::*;
use common::kitchen_sink::{
    greeting, kitchen_sink, Sink, COMPOUND, HOST, HOST_THINGS, RESOURCES, SCALARS, TYPES,
};
use weft_runtime::component::{Linker, Resource, Val};
use weft_runtime::{Error, Store, Trap, TrapKind};

// ---- host functions --------------------------------------------------------

#[test]
fn the_guest_calls_host_functions_with_strings() {
    let mut sink = Sink::new();
    let messages = ["first", "", "ünïcödé ✓", "last"];
    assert_eq!(
        sink.call("log-all", &[strings(&messages)]),
        Val::U32(messages.len() as u32)
    );
    assert_eq!(*sink.log.lock().unwrap(), messages);

    let many: Vec<String> = (0..2_000).map(|i| format!("line {i}")).collect();
    let given = Val::List(many.iter().map(|s| string(s)).collect());
    assert_eq!(sink.call("log-all", &[given]), Val::U32(2_000));
    assert_eq!(sink.log.lock().unwrap()[messages.len()..], many[..]);
}

#[test]
fn host_results_are_lowered_into_guest_memory() {
    let mut sink = Sink::new();
    let values = [1u64, u64::MAX, 5, 1 << 40];
    let sum = values.iter().fold(0u64, |a, &b| a.wrapping_add(b));
    assert_eq!(
        sink.call(
            "host-sum",
            &[Val::List(values.iter().map(|&v| Val::U64(v)).collect())]
        ),
        Val::U64(sum)
    );

    let names = ["Ada", "", "Zoë", "世界"];
    let expected: Vec<String> = names.iter().map(|n| greeting(n)).collect();
    assert_eq!(
        sink.call("greet-all", &[strings(&names)]),
        Val::List(expected.iter().map(|s| string(s)).collect())
    );

    for n in [0u32, 1, 10, 5_000] {
        // Each point (i, -i) gives i - (-i) = 2i.
        let expected: i64 = (0..i64::from(n)).map(|i| 2 * i).sum();
        assert_eq!(
            sink.call("host-points-sum", &[Val::U32(n)]),
            Val::S64(expected)
        );
    }

    for (s, at) in [("hello world", 5), ("", 0), ("äbc", 2), ("xyz", 3)] {
        let (front, back) = s.split_at(at);
        assert_eq!(
            sink.call("host-split-swap", &[string(s), Val::U32(at as u32)]),
            Val::String(format!("{back}{front}"))
        );
    }
}

#[test]
fn a_trapping_host_function_fails_the_guest_call() {
    let mut sink = Sink::new();
    // Byte 1 of "äbc" is inside the `ä`: the host's `split-at` traps.
    let err = sink
        .try_call("host-split-swap", &[string("äbc"), Val::U32(1)])
        .expect_err("the host traps");
    assert!(
        matches!(&err, Error::Trap(Trap { kind: TrapKind::Host(m), .. }) if m.contains("split-at")),
        "{err}"
    );
}

// ---- host-defined resource -------------------------------------------------

#[test]
fn the_guest_creates_and_uses_host_resources() {
    let mut sink = Sink::new();
    let steps = [5i64, -2, 100, 0, -3];
    assert_eq!(
        sink.call(
            "count-with-host",
            &[
                string("steps"),
                Val::List(steps.iter().map(|&s| Val::S64(s)).collect())
            ]
        ),
        Val::S64(steps.iter().sum())
    );
    // The guest made one tally and dropped it: the host's destructor ran.
    let state = sink.tallies.lock().unwrap();
    assert!(state.live.is_empty());
    assert_eq!(
        state.dropped,
        [(1000, "steps".to_string(), steps.iter().sum())]
    );
}

#[test]
fn host_resources_are_lent_and_moved_to_the_guest() {
    let mut sink = Sink::new();
    let (a, b) = {
        let mut state = sink.tallies.lock().unwrap();
        (
            state.create("äpples".into(), 3),
            state.create("pears".into(), 40),
        )
    };
    let ty = sink.tally;
    let borrow = |rep| Val::Borrow(Resource::new(ty, rep));

    assert_eq!(
        sink.call("describe-tally", &[borrow(a)]),
        string("äpples=3")
    );
    // Lending it again works: the first call's borrow ended with it.
    assert_eq!(
        sink.call("describe-tally", &[borrow(b)]),
        string("pears=40")
    );

    let bumped = own(sink.call(
        "bump-tally",
        &[Val::Own(Resource::new(ty, a)), Val::S64(-10)],
    ));
    assert_eq!(bumped.rep(), a, "the same tally comes back");
    assert_eq!(bumped.ty(), ty);
    assert_eq!(sink.tallies.lock().unwrap().live[&a].1, 3 - 10);

    let merged = own(sink.call("merge-tallies", &[borrow(a), borrow(b)]));
    let state = sink.tallies.lock().unwrap();
    assert_eq!(
        state.live[&merged.rep()],
        ("äpples+pears".to_string(), (3 - 10) + 40 + 1)
    );
    // Lending, moving and returning dropped nothing.
    assert!(state.dropped.is_empty(), "{:?}", state.dropped);
}

#[test]
fn host_destructors_run_when_the_guest_or_the_host_drops_a_tally() {
    let mut sink = Sink::new();
    let dropped = |sink: &Sink| -> Vec<u32> {
        let state = sink.tallies.lock().unwrap();
        state.dropped.iter().map(|(rep, _, _)| *rep).collect()
    };

    // The guest makes a tally (through the host's constructor) and drops
    // it: the destructor sees its rep.
    sink.call("count-with-host", &[string("first"), values_of(&[1, 2])]);
    sink.call("count-with-host", &[string("second"), values_of(&[])]);
    assert_eq!(dropped(&sink), [1000, 1001]);
    assert_eq!(
        sink.tallies.lock().unwrap().dropped[0],
        (1000, "first".to_string(), 3)
    );

    // A tally the host made, moved into the guest and given back, then
    // dropped by the host.
    let mine = sink.new_tally("mine", 5);
    let back = own(sink.call("bump-tally", &[Val::Own(mine), Val::S64(1)]));
    assert_eq!(back, mine);
    assert_eq!(dropped(&sink), [1000, 1001], "moving is not dropping");
    back.drop(&mut sink.store).expect("drops");
    assert_eq!(dropped(&sink), [1000, 1001, mine.rep()]);
    assert_eq!(
        sink.tallies.lock().unwrap().dropped[2],
        (mine.rep(), "mine".to_string(), 6)
    );

    // A tally the guest made (the host's merge of two lent tallies) and
    // returned, dropped by the host; the lent ones stay alive.
    let a = sink.new_tally("a", 1);
    let b = sink.new_tally("b", 2);
    let merged = own(sink.call("merge-tallies", &[Val::Borrow(a), Val::Borrow(b)]));
    assert_eq!(dropped(&sink).len(), 3);
    merged.drop(&mut sink.store).expect("drops");
    assert_eq!(dropped(&sink), [1000, 1001, mine.rep(), merged.rep()]);
    assert_eq!(
        sink.tallies.lock().unwrap().dropped[3],
        (merged.rep(), "a+b".to_string(), 4)
    );

    // A tally the host never handed out, dropped by the host.
    a.drop(&mut sink.store).expect("drops");
    assert_eq!(*dropped(&sink).last().unwrap(), a.rep());
    let state = sink.tallies.lock().unwrap();
    assert_eq!(state.live.keys().collect::<Vec<_>>(), [&b.rep()]);
}

// ---- guest-defined resources -----------------------------------------------

fn acc_method(method: &str) -> String {
    format!("{RESOURCES}#[method]accumulator.{method}")
}

fn values_of(values: &[i64]) -> Val {
    Val::List(values.iter().map(|&v| Val::S64(v)).collect())
}

#[test]
fn guest_resource_lifecycle() {
    let mut sink = Sink::new();
    let live = |sink: &mut Sink| sink.call_in(RESOURCES, "live-accumulators", &[]);
    assert_eq!(live(&mut sink), Val::U32(0));

    // Construct and call methods.
    let a = own(sink.call(
        &format!("{RESOURCES}#[constructor]accumulator"),
        &[Val::S64(10)],
    ));
    assert_eq!(live(&mut sink), Val::U32(1));
    let mut expected = vec![10i64];
    for v in [5, -3, i64::MAX] {
        expected.push(v);
        assert_eq!(
            sink.call(&acc_method("push"), &[Val::Borrow(a), Val::S64(v)]),
            Val::U32(expected.len() as u32)
        );
    }
    let sum = |values: &[i64]| values.iter().fold(0i64, |s, &v| s.wrapping_add(v));
    assert_eq!(
        sink.call(&acc_method("total"), &[Val::Borrow(a)]),
        Val::S64(sum(&expected))
    );
    assert_eq!(
        sink.call(&acc_method("values"), &[Val::Borrow(a)]),
        values_of(&expected)
    );

    // A static function returning an own handle.
    let listed: Vec<i64> = (0..10_000).map(|i| i * i - 5000).collect();
    let b = own(sink.call(
        &format!("{RESOURCES}#[static]accumulator.from-list"),
        &[values_of(&listed)],
    ));
    assert_ne!(a.rep(), b.rep());
    assert_eq!(live(&mut sink), Val::U32(2));

    // A method borrowing another resource of the same type, and the same
    // resource twice.
    sink.call_unit(&acc_method("absorb"), &[Val::Borrow(a), Val::Borrow(b)]);
    expected.extend(&listed);
    assert_eq!(
        sink.call(&acc_method("values"), &[Val::Borrow(a)]),
        values_of(&expected)
    );
    sink.call_unit(&acc_method("absorb"), &[Val::Borrow(b), Val::Borrow(b)]);
    let doubled: Vec<i64> = listed.iter().chain(&listed).copied().collect();
    assert_eq!(
        sink.call_in(RESOURCES, "total-of", &[Val::Borrow(b)]),
        Val::S64(sum(&doubled))
    );

    // A method returning a new own handle.
    let tail = own(sink.call(&acc_method("split-off"), &[Val::Borrow(a), Val::U32(2)]));
    assert_eq!(live(&mut sink), Val::U32(3));
    assert_eq!(
        sink.call(&acc_method("values"), &[Val::Borrow(a)]),
        values_of(&expected[..2])
    );
    assert_eq!(
        sink.call(&acc_method("values"), &[Val::Borrow(tail)]),
        values_of(&expected[2..])
    );

    // A resource of another type whose method borrows an accumulator.
    let tag = own(sink.call(&format!("{RESOURCES}#[constructor]tag"), &[string("tötal")]));
    assert_eq!(
        sink.call(
            &format!("{RESOURCES}#[method]tag.text"),
            &[Val::Borrow(tag)]
        ),
        string("tötal")
    );
    assert_eq!(
        sink.call(
            &format!("{RESOURCES}#[method]tag.annotate"),
            &[Val::Borrow(tag), Val::Borrow(a)]
        ),
        Val::String(format!("tötal: {}", sum(&expected[..2])))
    );

    // Dropping runs the guest's destructor.
    for (acc, left) in [(a, 2), (tail, 1), (b, 0)] {
        acc.drop(&mut sink.store).expect("drops");
        assert_eq!(live(&mut sink), Val::U32(left));
    }
    tag.drop(&mut sink.store).expect("drops");
}

#[test]
fn a_guest_consumes_its_own_resources() {
    let mut sink = Sink::new();
    let new = format!("{RESOURCES}#[constructor]accumulator");
    let a = own(sink.call(&new, &[Val::S64(1)]));
    sink.call(&acc_method("push"), &[Val::Borrow(a), Val::S64(2)]);
    let b = own(sink.call(&new, &[Val::S64(30)]));
    assert_eq!(
        sink.call_in(RESOURCES, "live-accumulators", &[]),
        Val::U32(2)
    );

    // A function consuming two own handles and returning a third.
    let merged = own(sink.call_in(RESOURCES, "merge", &[Val::Own(a), Val::Own(b)]));
    assert_eq!(
        sink.call_in(RESOURCES, "live-accumulators", &[]),
        Val::U32(1),
        "a and b were consumed"
    );
    assert_eq!(
        sink.call(&acc_method("values"), &[Val::Borrow(merged)]),
        values_of(&[1, 2, 30])
    );
    merged.drop(&mut sink.store).expect("drops");
    assert_eq!(
        sink.call_in(RESOURCES, "live-accumulators", &[]),
        Val::U32(0)
    );
}

#[test]
fn a_dropped_guest_resource_cannot_be_used() {
    let mut sink = Sink::new();
    let a = own(sink.call(
        &format!("{RESOURCES}#[constructor]accumulator"),
        &[Val::S64(1)],
    ));
    a.drop(&mut sink.store).expect("drops");
    assert_eq!(
        sink.call_in(RESOURCES, "live-accumulators", &[]),
        Val::U32(0)
    );
    let err = sink
        .try_call(&acc_method("total"), &[Val::Borrow(a)])
        .expect_err("a dropped resource cannot be lent");
    assert!(matches!(err, Error::Trap(_) | Error::Type { .. }), "{err}");
    assert!(a.drop(&mut sink.store).is_err(), "dropping twice fails");

    // Moved into the guest, consumed there: gone for the host too.
    let b = own(sink.call(
        &format!("{RESOURCES}#[constructor]accumulator"),
        &[Val::S64(2)],
    ));
    let c = own(sink.call(
        &format!("{RESOURCES}#[constructor]accumulator"),
        &[Val::S64(3)],
    ));
    let merged = own(sink.call_in(RESOURCES, "merge", &[Val::Own(b), Val::Own(c)]));
    assert!(sink
        .try_call(&acc_method("total"), &[Val::Borrow(b)])
        .is_err());
    merged.drop(&mut sink.store).expect("drops");
}

#[test]
fn a_resource_of_another_type_is_refused() {
    let mut sink = Sink::new();
    let tag = own(sink.call(&format!("{RESOURCES}#[constructor]tag"), &[string("t")]));
    let err = sink
        .try_call(&acc_method("total"), &[Val::Borrow(tag)])
        .expect_err("a tag is not an accumulator");
    assert!(err.to_string().contains("another type"), "{err}");
    let tally = Resource::new(sink.tally, 1);
    assert!(sink
        .try_call(&acc_method("total"), &[Val::Borrow(tally)])
        .is_err());
    // The store is still usable.
    let acc = own(sink.call(
        &format!("{RESOURCES}#[constructor]accumulator"),
        &[Val::S64(4)],
    ));
    assert_eq!(
        sink.call(
            &format!("{RESOURCES}#[method]tag.annotate"),
            &[Val::Borrow(tag), Val::Borrow(acc)]
        ),
        string("t: 4")
    );
    acc.drop(&mut sink.store).unwrap();
    tag.drop(&mut sink.store).unwrap();
}

#[test]
fn every_export_is_listed() {
    let sink = Sink::new();
    let exports = sink.instance.exports();
    for name in [
        "weighted-sum",
        "describe-all",
        "compute-stats",
        "merge-tallies",
        &format!("{SCALARS}#step-all"),
        &format!("{COMPOUND}#advance-drawing"),
        &format!("{RESOURCES}#[constructor]accumulator"),
        &format!("{RESOURCES}#[static]accumulator.from-list"),
        &format!("{RESOURCES}#[method]tag.annotate"),
    ] {
        assert!(exports.iter().any(|e| e == name), "{name} in {exports:?}");
    }
}

// ---- instantiation ---------------------------------------------------------

#[test]
fn the_host_interfaces_alone_satisfy_the_imports() {
    // The component imports the three interfaces and, at the top level,
    // the types the world `use`s (`tally` equal to the `host-things` one,
    // the others to the `types` ones): those need no definitions, nor do
    // the plain types inside `types`.
    let imports: Vec<&str> = kitchen_sink().imports().collect();
    assert_eq!(
        imports,
        [
            TYPES,
            HOST,
            HOST_THINGS,
            "point",
            "color",
            "permissions",
            "stats",
            "tally"
        ]
    );

    // Without `host-things`, instantiation fails, naming it.
    let engine = kitchen_sink().engine().clone();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::new(&engine);
    linker.instance(TYPES);
    linker.instance(HOST).func_new("log", |_, _| Ok(vec![]));
    let err = linker
        .instantiate(&mut store, kitchen_sink())
        .err()
        .expect("an import is missing");
    assert!(err.to_string().contains(HOST_THINGS), "{err}");

    // With both, through `Sink::new`, functions of every interface work.
    let mut sink = Sink::new();
    assert_eq!(
        sink.call_in(COMPOUND, "rotate", &[point(1, 2)]),
        point(-2, 1)
    );
    assert_eq!(sink.call("log-all", &[strings(&["x"])]), Val::U32(1));
    assert_eq!(*sink.log.lock().unwrap(), ["x"]);
    let t = sink.new_tally("x", 1);
    assert_eq!(
        sink.call("describe-tally", &[Val::Borrow(t)]),
        string("x=1")
    );
}
