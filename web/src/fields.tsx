import { Checkbox, DatePicker, type DatePickerProps } from 'antd';
import type { CheckboxGroupProps } from 'antd/es/checkbox';

/**
 * A Checkbox.Group for a Form.Item: the item puts `aria-required` and `aria-invalid` on its control, which a
 * group of checkboxes may not carry (axe: aria-allowed-attr). The errors stay linked through `aria-describedby`;
 * each checkbox is labelled by its option.
 */
export function CheckboxGroupField(
  props: CheckboxGroupProps & { 'aria-required'?: unknown; 'aria-invalid'?: unknown },
) {
  const { 'aria-required': _required, 'aria-invalid': _invalid, ...rest } = props;
  return <Checkbox.Group role="group" {...rest} />;
}

/**
 * A DatePicker for a Form.Item: Enter confirms the date typed (the picker takes it first) without also
 * submitting the form, which a keyboard user typing a date never means; the form's button submits.
 */
export function DateField(props: DatePickerProps) {
  return (
    <DatePicker
      {...props}
      onKeyDown={(e, preventDefault) => {
        if (e.key === 'Enter') e.preventDefault();
        props.onKeyDown?.(e, preventDefault);
      }}
    />
  );
}
