//! Fuel, epoch interruption and the per-store memory limit.

use std::time::Duration;

use weft_runtime::{Config, Engine, Error, Instance, Linker, Module, Store, TrapKind, Val};

fn setup(config: Config, wat: &str) -> (Engine, Store<()>, Instance) {
    let engine = Engine::new(&config).expect("engine");
    let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("compiles");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .expect("instantiates");
    (engine, store, instance)
}

const COUNT_LOOP: &str = r#"(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $i)))"#;

fn count(store: &mut Store<()>, instance: Instance, n: i32) -> Result<Val, Error> {
    let func = instance.get_func(store, "count").expect("exported");
    let mut result = [Val::I32(0)];
    func.call(store, &[Val::I32(n)], &mut result)?;
    Ok(result[0])
}

#[test]
fn fuel_is_consumed_and_running_out_traps() {
    let config = Config {
        consume_fuel: true,
        ..Config::default()
    };
    let (_engine, mut store, instance) = setup(config, COUNT_LOOP);
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(count(&mut store, instance, 1000).unwrap(), Val::I32(1000));
    let left = store.get_fuel().unwrap();
    // About ten operators per iteration.
    let used = 1_000_000 - left;
    assert!(
        (5_000..50_000).contains(&used),
        "used {used} fuel for 1000 iterations"
    );

    store.set_fuel(500).unwrap();
    let err = count(&mut store, instance, 1_000_000).unwrap_err();
    assert_eq!(err.as_trap().expect("a trap").kind, TrapKind::OutOfFuel);

    // Refuelled, the same instance runs again.
    store.set_fuel(1_000_000).unwrap();
    assert_eq!(count(&mut store, instance, 10).unwrap(), Val::I32(10));
}

#[test]
fn fuel_needs_to_be_enabled() {
    let (_engine, mut store, _instance) = setup(Config::default(), COUNT_LOOP);
    assert!(matches!(store.set_fuel(10), Err(Error::Unsupported(_))));
    assert!(store.get_fuel().is_err());
}

#[test]
fn epoch_deadline_interrupts_an_endless_loop() {
    let config = Config {
        epoch_interruption: true,
        ..Config::default()
    };
    let (engine, mut store, instance) = setup(
        config,
        r#"(module (func (export "spin") (loop $l (br $l))))"#,
    );
    store.set_epoch_deadline(1);
    let ticker = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            engine.increment_epoch();
        })
    };
    let spin = instance.get_func(&mut store, "spin").unwrap();
    let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    ticker.join().unwrap();
    assert_eq!(err.as_trap().expect("a trap").kind, TrapKind::Interrupted);
}

#[test]
fn epoch_checks_do_not_interrupt_before_the_deadline() {
    let config = Config {
        epoch_interruption: true,
        ..Config::default()
    };
    let (_engine, mut store, instance) = setup(config, COUNT_LOOP);
    store.set_epoch_deadline(5);
    assert_eq!(
        count(&mut store, instance, 100_000).unwrap(),
        Val::I32(100_000)
    );
}

#[test]
fn memory_limit_is_per_store() {
    let config = Config {
        memory_limit: Some(3 * 65536),
        ..Config::default()
    };
    let wat = r#"(module (memory (export "m") 2)
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;
    let (engine, mut store, instance) = setup(config, wat);
    let grow = instance.get_func(&mut store, "grow").unwrap();
    let mut result = [Val::I32(0)];
    grow.call(&mut store, &[Val::I32(1)], &mut result).unwrap();
    assert_eq!(result[0], Val::I32(2), "2 -> 3 pages fits the limit");
    grow.call(&mut store, &[Val::I32(1)], &mut result).unwrap();
    assert_eq!(result[0], Val::I32(-1), "a fourth page passes the limit");

    // A second instance in the same store has no room left.
    let module = Module::new(&engine, &wat::parse_str(wat).unwrap()).unwrap();
    let err = Linker::new(&engine)
        .instantiate(&mut store, &module)
        .unwrap_err();
    assert!(matches!(err, Error::Limit(_)), "{err}");
}

#[test]
fn a_passed_deadline_interrupts_at_once() {
    let config = Config {
        epoch_interruption: true,
        ..Config::default()
    };
    let (engine, mut store, instance) = setup(
        config,
        r#"(module (func (export "spin") (loop $l (br $l))))"#,
    );
    store.set_epoch_deadline(1);
    engine.increment_epoch();
    let spin = instance.get_func(&mut store, "spin").unwrap();
    let err = spin.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.as_trap().expect("a trap").kind, TrapKind::Interrupted);
}
