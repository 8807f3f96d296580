"""The "wbg" import namespace: the 33 host functions the ruv-swarm modules import.

Each function does what its counterpart in `__wbg_get_imports()` of `ruv_swarm_wasm.js` does, on
our JS value model.  Arguments arrive as JS numbers would (signed i32); results go back through
ToInt32 in the engine adapter (booleans -> 1/0, undefined -> 0).
"""

from __future__ import annotations

from typing import Any, Callable

from . import jsvalues as js
from .jsvalues import (UNDEFINED, JsArray, JsArrayBuffer, JsErrorObject, JsException, JsFunction,
                       JsObject, JsTypedArray)


def debug_string(value: Any) -> str:
    """The glue's debugString(): the text `__wbindgen_debug_string` hands to Rust's Debug."""
    kind = js.typeof(value)
    if kind in ("number", "boolean") or js.is_like_none(value):
        return js.to_string(value)
    if kind == "string":
        return f'"{value}"'
    if kind == "function":
        name = value.name
        return f"Function({name})" if isinstance(name, str) and name else "Function"
    if isinstance(value, JsArray):
        return "[" + ", ".join(debug_string(v) for v in value.items) + "]"
    class_name = value.class_name if isinstance(value, JsObject) else "Object"
    if class_name == "Object":
        text = js.json_stringify(value)
        return f"Object({text})" if text is not None else "Object"
    if isinstance(value, JsErrorObject):
        return f"{value.name}: {value.message}\n{value.stack}"
    return class_name


def _new_float32_array(source: Any) -> JsTypedArray:
    """`new Float32Array(x)` for a length, an ArrayBuffer (a view) or an array-like (a copy)."""
    if isinstance(source, bool) or js.is_like_none(source):
        return JsTypedArray.from_values("Float32Array", [])
    if isinstance(source, (int, float)):
        n = js.to_number(source)
        if n < 0 or n != int(n) or n >= 2**32:
            raise js.JsError(f"Invalid typed array length: {js.number_to_string(n)}",
                             name="RangeError")
        return JsTypedArray("Float32Array", JsArrayBuffer(int(n) * 4), 0, int(n))
    if isinstance(source, JsArrayBuffer):
        return JsTypedArray("Float32Array", source)
    if isinstance(source, JsTypedArray):
        return JsTypedArray.from_values("Float32Array", source.values())
    if isinstance(source, JsArray):
        return JsTypedArray.from_values("Float32Array", source.items)
    if isinstance(source, JsObject):
        return JsTypedArray.from_values("Float32Array", js.array_from(source).items)
    return JsTypedArray.from_values("Float32Array", [])


def make_imports(glue) -> dict[str, dict[str, Callable]]:
    """Build the "wbg" namespace over one `Bindgen` runtime."""
    heap = glue.heap
    memory = glue.memory
    env = glue.env
    log = env.logger
    glue.console_lines = []

    def console(level: str, text: str) -> None:
        glue.console_lines.append((level, text))
        {"log": log.info, "warn": log.warning, "error": log.error}[level]("%s", text)

    def handle_error(fn: Callable) -> Callable:
        """handleError(): a thrown JS value is stored through __wbindgen_export_0; the import
        then returns undefined (0 as an i32)."""
        def wrapper(*args):
            try:
                return fn(*args)
            except JsException as exc:
                from .marshal import EXN_STORE
                glue.call(EXN_STORE, heap.add(exc.value))
                return UNDEFINED
        wrapper.__name__ = fn.__name__
        return wrapper

    def write_string_result(retptr: int, text: str | None) -> None:
        if text is None:
            ptr, length = 0, glue.vector_len  # the glue reads the stale WASM_VECTOR_LEN too
        else:
            ptr, length = glue.pass_string(text)
        memory.set_i32(retptr + 4, length)
        memory.set_i32(retptr, ptr)

    # -- the 33 imports, in the order of the modules' import section
    def number_get(retptr, idx):
        obj = heap.get(idx)
        is_number = js.typeof(obj) == "number"
        memory.set_f64(retptr + 8, float(obj) if is_number else 0.0)
        memory.set_i32(retptr, 1 if is_number else 0)

    def object_drop_ref(idx):
        heap.take(idx)

    def string_new(ptr, length):
        return heap.add(glue.get_string(ptr, length))

    def is_undefined(idx):
        return heap.get(idx) is UNDEFINED

    def instanceof_window(idx):
        return False  # no `Window` in this (Node-like) host: the glue's catch yields false

    def error_obj(idx):
        console("error", js.to_display(heap.get(idx)))

    def log_obj(idx):
        console("log", js.to_display(heap.get(idx)))

    def warn_obj(idx):
        console("warn", js.to_display(heap.get(idx)))

    def new_error():
        return heap.add(JsErrorObject())

    def stack(retptr, idx):
        value = js.get_property(heap.get(idx), "stack") if isinstance(heap.get(idx), JsObject) \
            else UNDEFINED
        write_string_result(retptr, js.to_string(value))

    def error_str(ptr, length):
        """console.error of a Rust string: only the panic hook uses it, so remember the text
        as the panic message for the trap that follows."""
        text = None
        try:
            text = glue.get_string(ptr, length)
            console("error", text)
        finally:
            glue.free(ptr, length, 1)
            if text is not None:
                glue.panic_message = text

    def length(idx):
        return js.get_length(heap.get(idx))

    def newnoargs(ptr, length_):
        return heap.add(JsFunction(glue.get_string(ptr, length_), glue.global_object))

    def string_get(retptr, idx):
        obj = heap.get(idx)
        write_string_result(retptr, obj if isinstance(obj, str) else None)

    def get_index(idx, index):
        return heap.add(js.get_index(heap.get(idx), index & 0xFFFFFFFF))

    def array_from(idx):
        return heap.add(js.array_from(heap.get(idx)))

    def instanceof_error(idx):
        return isinstance(heap.get(idx), JsErrorObject)

    def message(idx):
        target = heap.get(idx)
        if js.is_like_none(target):
            raise js.JsError(f"Cannot read properties of {js.to_string(target)} "
                             "(reading 'message')", name="TypeError")
        return heap.add(target.get("message") if isinstance(target, JsObject) else UNDEFINED)

    @handle_error
    def call(fn_idx, this_idx):
        fn = heap.get(fn_idx)
        if not isinstance(fn, JsFunction):
            raise js.JsError(f"{debug_string(fn)}.call is not a function", name="TypeError")
        return heap.add(fn.call(heap.get(this_idx)))

    def random():
        return float(env.random.random())

    def now():
        return float(env.clock.now())

    def object_clone_ref(idx):
        return heap.clone(idx)

    @handle_error
    def reflect_get(target_idx, key_idx):
        return heap.add(js.get_property(heap.get(target_idx), heap.get(key_idx)))

    def buffer(idx):
        target = heap.get(idx)
        if js.is_like_none(target):
            raise js.JsError(f"Cannot read properties of {js.to_string(target)} "
                             "(reading 'buffer')", name="TypeError")
        return heap.add(target.get("buffer") if isinstance(target, JsObject) else UNDEFINED)

    def global_this():
        return heap.add(glue.global_object)

    def self_():
        return 0  # `self` is undefined in Node: isLikeNone -> 0

    def window():
        return 0

    def global_():
        return heap.add(glue.global_object)

    def float32_view(buffer_idx, byte_offset, length_):
        source = heap.get(buffer_idx)
        if not isinstance(source, JsArrayBuffer):
            return heap.add(_new_float32_array(source))
        return heap.add(JsTypedArray("Float32Array", source, byte_offset & 0xFFFFFFFF,
                                     length_ & 0xFFFFFFFF))

    def float32_new(idx):
        return heap.add(_new_float32_array(heap.get(idx)))

    def debug_string_(retptr, idx):
        write_string_result(retptr, debug_string(heap.get(idx)))

    def throw(ptr, length_):
        raise js.JsError(glue.get_string(ptr, length_))

    def memory_():
        return heap.add(glue.js_memory)

    wbg = {
        "__wbindgen_number_get": number_get,
        "__wbindgen_object_drop_ref": object_drop_ref,
        "__wbindgen_string_new": string_new,
        "__wbindgen_is_undefined": is_undefined,
        "__wbg_instanceof_Window_def73ea0955fc569": instanceof_window,
        "__wbg_error_524f506f44df1645": error_obj,
        "__wbg_log_c222819a41e063d3": log_obj,
        "__wbg_warn_4ca3906c248c47c4": warn_obj,
        "__wbg_new_8a6f238a6ece86ea": new_error,
        "__wbg_stack_0ed75d68575b0f3c": stack,
        "__wbg_error_7534b8e9a36f1ab4": error_str,
        "__wbg_length_e2d2a49132c1b256": length,
        "__wbg_newnoargs_105ed471475aaf50": newnoargs,
        "__wbindgen_string_get": string_get,
        "__wbg_get_b9b93047fe3cf45b": get_index,
        "__wbg_from_2a5d3e218e67aa85": array_from,
        "__wbg_instanceof_Error_4d54113b22d20306": instanceof_error,
        "__wbg_message_97a2af9b89d693a3": message,
        "__wbg_call_672a4d21634d4a24": call,
        "__wbg_random_3ad904d98382defe": random,
        "__wbg_now_807e54c39636c349": now,
        "__wbindgen_object_clone_ref": object_clone_ref,
        "__wbg_get_67b2ba62fc30de12": reflect_get,
        "__wbg_buffer_609cc3eee51ed158": buffer,
        "__wbg_static_accessor_GLOBAL_THIS_56578be7e9f832b0": global_this,
        "__wbg_static_accessor_SELF_37c5d418e4bf5819": self_,
        "__wbg_static_accessor_WINDOW_5de37043a91a9c40": window,
        "__wbg_static_accessor_GLOBAL_88a902d13a557d07": global_,
        "__wbg_newwithbyteoffsetandlength_e6b7e69acd4c7354": float32_view,
        "__wbg_new_780abee5c1739fd7": float32_new,
        "__wbindgen_debug_string": debug_string_,
        "__wbindgen_throw": throw,
        "__wbindgen_memory": memory_,
    }
    return {"wbg": wbg}


WBG_IMPORT_NAMES = (
    "__wbindgen_number_get", "__wbindgen_object_drop_ref", "__wbindgen_string_new",
    "__wbindgen_is_undefined", "__wbg_instanceof_Window_def73ea0955fc569",
    "__wbg_error_524f506f44df1645", "__wbg_log_c222819a41e063d3", "__wbg_warn_4ca3906c248c47c4",
    "__wbg_new_8a6f238a6ece86ea", "__wbg_stack_0ed75d68575b0f3c", "__wbg_error_7534b8e9a36f1ab4",
    "__wbg_length_e2d2a49132c1b256", "__wbg_newnoargs_105ed471475aaf50", "__wbindgen_string_get",
    "__wbg_get_b9b93047fe3cf45b", "__wbg_from_2a5d3e218e67aa85",
    "__wbg_instanceof_Error_4d54113b22d20306", "__wbg_message_97a2af9b89d693a3",
    "__wbg_call_672a4d21634d4a24", "__wbg_random_3ad904d98382defe", "__wbg_now_807e54c39636c349",
    "__wbindgen_object_clone_ref", "__wbg_get_67b2ba62fc30de12", "__wbg_buffer_609cc3eee51ed158",
    "__wbg_static_accessor_GLOBAL_THIS_56578be7e9f832b0",
    "__wbg_static_accessor_SELF_37c5d418e4bf5819", "__wbg_static_accessor_WINDOW_5de37043a91a9c40",
    "__wbg_static_accessor_GLOBAL_88a902d13a557d07",
    "__wbg_newwithbyteoffsetandlength_e6b7e69acd4c7354", "__wbg_new_780abee5c1739fd7",
    "__wbindgen_debug_string", "__wbindgen_throw", "__wbindgen_memory",
)
