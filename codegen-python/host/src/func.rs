//! `weft.Function`: the callable of one exported function of one
//! instance. A call locks the instance's store, lowers the arguments
//! straight into the callee (`convert`), runs it (the GIL released unless
//! `weft.set_release_gil(False)`), lifts the result, and cleans up; calls
//! whose parameters and result are all scalars take
//! [`Func::call_scalars`].

use std::sync::atomic::Ordering;
use std::sync::Arc;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple, PyType};
use weft_runtime::component::{CallError, RawFunc, Resource as RtResource};
use weft_runtime::{Store, TrapKind};

use crate::convert::{self, At, Ctx, Fail};
use crate::desc::{type_name, ResourceDesc};
use crate::errors::Error;
use crate::fastcall::MethodDef;
use crate::instance::{AssertSend, Core, Signature, MAX_FLAT_PARAMS, RELEASE_GIL};
use crate::plan::Kind;
use crate::resource::{Held, Resource};
use crate::scalar::Scalar;

/// A callable of one exported function of one instance.
#[pyclass(frozen, module = "weft", name = "Function")]
pub struct Func {
    pub(crate) core: Arc<Core>,
    pub(crate) raw: RawFunc,
    pub(crate) name: String,
    pub(crate) signature: Signature,
    pub(crate) raises: Option<Py<PyType>>,
    /// A resource's constructor: the first argument is the object to bind.
    pub(crate) construct: Option<Arc<ResourceDesc>>,
    /// Whether every parameter and the result are scalars: such calls take
    /// [`Func::call_scalars`].
    pub(crate) scalars_only: bool,
    /// For those, the definition of the builtin method `Instance.func`
    /// hands out (`fastcall.rs`).
    pub(crate) fast_def: Option<Box<MethodDef>>,
}

impl Func {
    /// The fast path of a call whose parameters and result are all scalars
    /// (`noop()`, `add(a, b)`): the arguments are converted first and the
    /// result after, so that the call between is one `RawFunc::call`, made
    /// in place, with nothing in it that needs the GIL or undoing. Errors,
    /// traps and Ctrl-C behave as on the general path.
    ///
    /// `arg(i)` is the `i`th argument; the caller checked their number.
    pub(crate) fn call_scalars<'a, 'py>(
        &self,
        py: Python<'py>,
        arg: impl Fn(usize) -> PyResult<Borrowed<'a, 'py, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let shared = &self.core.shared;
        let sig = &self.signature;
        shared.check_poisoned()?;
        let mut values = [Scalar::U32(0); MAX_FLAT_PARAMS];
        for (i, (name, plan)) in sig.params.iter().enumerate() {
            values[i] = Scalar::from_py(plan, &*arg(i)?)
                .map_err(|e| shared.fail(e.at(|| name.clone()), &self.name))?;
        }
        let values = &values[..sig.params.len()];
        let result = sig.result.as_ref().map(|plan| &plan.kind);
        let me = crate::interrupt::current_thread();
        let interruptible = crate::interrupt::armed(py, me);
        let mut store = self.core.lock(py, me)?;
        if interruptible {
            store.arm();
            py.check_signals()?;
        }
        let raw = &self.raw;
        let run = move |store: &mut Store<()>| {
            raw.call(
                store,
                |low| {
                    for value in values {
                        value.put(low, At::Flat).map_err(CallError::Host)?;
                    }
                    Ok(())
                },
                |lif| match result {
                    Some(kind) => Scalar::get(kind, lif, At::Flat)
                        .map(Some)
                        .map_err(CallError::Host),
                    None => Ok(None),
                },
            )
        };
        let outcome = if RELEASE_GIL.load(Ordering::Relaxed) {
            let job = AssertSend((run, &mut *store));
            py.detach(move || {
                let (run, store) = job.into_inner();
                AssertSend(run(store))
            })
            .into_inner()
        } else {
            run(&mut store)
        };
        store.disarm();
        self.core.flush_drops(py, &mut store);
        drop(store);
        match outcome {
            Ok(Some(value)) => Ok(value.into_py(py)?.unbind()),
            Ok(None) => Ok(py.None()),
            Err(CallError::Host(fail)) => Err(shared.fail(fail, &self.name)),
            Err(CallError::Runtime(err)) => Err(self.runtime_error(py, &err, interruptible)),
        }
    }
}

impl Func {
    /// The Python error for the runtime's error of a call (a trap poisons
    /// the instance): `KeyboardInterrupt` when Ctrl-C caused it.
    fn runtime_error(
        &self,
        py: Python<'_>,
        err: &weft_runtime::Error,
        interruptible: bool,
    ) -> PyErr {
        let error = self.core.shared.error(py, err);
        let by_interrupt = interruptible
            && err
                .as_trap()
                .is_some_and(|t| matches!(t.kind, TrapKind::Interrupted));
        if by_interrupt {
            crate::interrupt::error(py, error)
        } else {
            error
        }
    }
}

#[pymethods]
impl Func {
    #[pyo3(signature = (*args, **kwargs))]
    fn __call__(
        &self,
        py: Python<'_>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyAny>> {
        if kwargs.is_some_and(|k| !k.is_empty()) {
            return Err(PyTypeError::new_err(format!(
                "{}() takes no keyword arguments",
                self.name
            )));
        }
        let skip = usize::from(self.construct.is_some());
        let expected = self.signature.params.len() + skip;
        if args.len() != expected {
            return Err(PyTypeError::new_err(format!(
                "{}() takes {expected} arguments ({} given)",
                self.name,
                args.len()
            )));
        }
        if self.scalars_only {
            return self.call_scalars(py, |i| args.get_borrowed_item(i));
        }
        let target = match &self.construct {
            Some(desc) => {
                let obj = args.get_item(0)?;
                let r = obj.cast::<Resource>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{}: expected an object of {}, got {}",
                        self.name,
                        desc.name,
                        type_name(&obj)
                    ))
                })?;
                if r.borrow().held.is_some() {
                    return Err(Error::new_err(format!(
                        "{}: the object is already bound to a resource",
                        self.name
                    )));
                }
                Some(r.clone())
            }
            None => None,
        };
        let shared = &self.core.shared;
        shared.check_poisoned()?;
        let me = crate::interrupt::current_thread();
        let interruptible = crate::interrupt::armed(py, me);
        let mut store = self.core.lock(py, me)?;
        let start = if interruptible {
            crate::engine().current_epoch()
        } else {
            0
        };
        if interruptible {
            // Only a Ctrl-C from now on interrupts the call; one that came
            // just before is raised now, before anything starts.
            store.arm();
            py.check_signals()?;
        }

        let mut ctx = Ctx::new(shared, Some(&self.core));
        let sig = &self.signature;
        let mut call = self
            .raw
            .begin(&mut store)
            .map_err(|e| shared.error(py, &e))?;
        let lowered = (|| -> Result<(), Fail> {
            let mut low = call.lowerer();
            let base = if sig.params_in_memory {
                Some(low.spill_area()?)
            } else {
                None
            };
            for (i, (name, plan)) in sig.params.iter().enumerate() {
                let at = match base {
                    Some(base) => At::Mem(base + sig.offsets[i]),
                    None => At::Flat,
                };
                let arg = args.get_item(i + skip)?;
                convert::lower(&arg, plan, &mut low, at, &mut ctx)
                    .map_err(|e| e.at(|| name.clone()))?;
            }
            Ok(())
        })();
        if let Err(fail) = lowered {
            // Not made: the handles passed are taken back.
            let _ = call.discard();
            store.disarm();
            ctx.restore_moved(py);
            ctx.release_lent();
            self.core.flush_drops(py, &mut store);
            // A trap in `realloc` while lowering is Ctrl-C's doing if the
            // epoch moved meanwhile.
            let by_interrupt = matches!(fail, Fail::Lift(_))
                && interruptible
                && crate::engine().current_epoch() > start;
            let err = shared.fail(fail, &self.name);
            return Err(if by_interrupt {
                crate::interrupt::error(py, err)
            } else {
                err
            });
        }
        let invoked = if RELEASE_GIL.load(Ordering::Relaxed) {
            let call = AssertSend(&mut call);
            py.detach(move || call.into_inner().invoke())
        } else {
            call.invoke()
        };
        ctx.moved.clear();
        if let Err(err) = invoked {
            drop(call);
            store.disarm();
            ctx.release_lent();
            return Err(self.runtime_error(py, &err, interruptible));
        }
        let lifted = (|| -> Result<Option<Bound<'_, PyAny>>, Fail> {
            let mut lif = call.lifter();
            let Some(plan) = &sig.result else {
                return Ok(None);
            };
            let at = if sig.result_in_memory {
                At::Mem(lif.spill_area()?)
            } else {
                At::Flat
            };
            if let (Some(target), Kind::Own(res)) = (&target, &plan.kind) {
                let handle = match at {
                    At::Flat => lif.take::<u32>()?,
                    At::Mem(ptr) => lif.read::<u32>(ptr)?,
                };
                let resource = lif.lift_own(res.slot, handle)?;
                target.borrow_mut().held = Some(Held {
                    core: self.core.clone(),
                    res: resource,
                    borrowed: false,
                });
                return Ok(None);
            }
            if let Some(raises) = &self.raises {
                let (index, payload) = convert::lift_case(py, plan, &mut lif, at, &mut ctx)?;
                if index == 0 {
                    return Ok(payload);
                }
                let value = payload.unwrap_or_else(|| py.None().into_bound(py));
                return Err(Fail::Py(PyErr::from_value(
                    raises.bind(py).call1((value,))?,
                )));
            }
            Ok(Some(convert::lift(py, plan, &mut lif, at, &mut ctx)?))
        })();
        let ended = match &lifted {
            Ok(_) => call.finish(),
            Err(_) => call.discard(),
        };
        store.disarm();
        ctx.release_lent();
        for res in ctx.host_owns.drain(..) {
            if let Err(err) = RtResource::drop(res, &mut store) {
                return Err(shared.error(py, &err));
            }
        }
        self.core.flush_drops(py, &mut store);
        drop(store);
        if let Err(err) = ended {
            return Err(self.runtime_error(py, &err, interruptible));
        }
        match lifted {
            Ok(value) => Ok(value.map_or_else(|| py.None(), Bound::unbind)),
            Err(fail) => Err(shared.fail(fail, &self.name)),
        }
    }

    fn __repr__(&self) -> String {
        format!("<weft function {}>", self.name)
    }
}
