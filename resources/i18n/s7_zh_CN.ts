<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>HouseholdView</name>
        <message>
            <location filename="../../gridworker/ui/register/household_view.py" line="190" />
            <source>{name}: {since} → {until}</source>
            <translation>{name}：{since} → {until}</translation>
        </message>
    </context>
</TS>
